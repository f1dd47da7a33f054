#!/usr/bin/env node
import { App, Stack } from 'aws-cdk-lib';
import { CustomerVpc, EksCluster } from '../lib';

const app = new App();
const stack = new Stack(app, 'EksArchitecture', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
const network = new CustomerVpc(stack, 'Network');
new EksCluster(stack, 'Cluster', { vpc: network.vpc });
