import { RemovalPolicy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { fleetConfig, FleetPipelineStack } from '../../bin/fleet';
import { NODE_MODES, SampleStack } from '../../bin/sample-stack';
import { K8sObject, manifestObjects } from '../helpers/manifests';
import { testApp } from '../helpers/synth';

/** The node modes of the sample app, by their context value. */
export const MODES = Object.keys(NODE_MODES);

/** The environments of the fleet sample (`-c sample=fleet`) with its default context. */
export const FLEET_ENVIRONMENTS = fleetConfig(() => undefined).environments;

/**
 * What the claim tests run on: the sample stack of each node mode, and the stack of each stage of
 * the fleet sample (`fleet:<environment>`), which must pass the same claims.
 */
export const CLAIM_SUBJECTS = [...MODES, ...FLEET_ENVIRONMENTS.map((e) => `fleet:${e.name}`)];

/** The node mode of a claim subject. */
export function modeOf(subject: string): string {
  const environment = FLEET_ENVIRONMENTS.find((e) => `fleet:${e.name}` === subject);
  return environment ? environment.nodeMode : subject;
}

let fleetApp: FleetPipelineStack | undefined;

/** The fleet sample's pipeline stack (its stages inside), built once per test file with its default context. */
export function fleet(): FleetPipelineStack {
  fleetApp ??= new FleetPipelineStack(testApp(), 'EksFleet', { fleet: fleetConfig(() => undefined) });
  return fleetApp;
}

export interface SampleSynth {
  readonly stack: SampleStack;
  readonly template: Template;
  /** Every Kubernetes object the template applies, tokens shown as `<...>`. */
  readonly objects: K8sObject[];
  /** The template as JSON. */
  readonly json: any;
}

const cache = new Map<string, SampleSynth>();

/** A variant of the sample: what `-c kubernetesVersion` and `-c removalPolicy` change. */
export interface SampleVariant {
  readonly privateCluster?: boolean;
  readonly kubernetesVersion?: string;
  readonly removalPolicy?: RemovalPolicy;
}

/**
/**
 * The sample stack of `mode` (or of a fleet stage, `fleet:<environment>`), and of a variant (the
 * private cluster, another version or removal policy), synthesized once per test file (the built-in
 * CloudFormation validation is off here; test/sample/validation.test.ts runs it once per mode, and
 * once for the fleet).
 */
export function sample(mode: string, variant: SampleVariant = {}): SampleSynth {
  const key = JSON.stringify([mode, variant.privateCluster ?? false, variant.kubernetesVersion, variant.removalPolicy]);
  let synth = cache.get(key);
  if (!synth) {
    const stage = mode.startsWith('fleet:') ? fleet().stages.find((st) => `fleet:${st.node.id}` === mode) : undefined;
    const stack = stage?.stack ?? new SampleStack(testApp(), 'EksArchitecture', {
      nodeMode: NODE_MODES[mode](),
      privateCluster: variant.privateCluster,
      kubernetesVersion: variant.kubernetesVersion ? eks.KubernetesVersion.of(variant.kubernetesVersion) : undefined,
      removalPolicy: variant.removalPolicy,
    });
    const template = Template.fromStack(stack);
    synth = { stack, template, objects: manifestObjects(template), json: template.toJSON() };
    cache.set(key, synth);
  }
  return synth;
}

/**
 * The private variant of the sample (`-c privateCluster=true`) in `mode`: no internet path, images
 * through the pull-through cache, the controller chart from private ECR. Synthesized once per file.
 */
export function privateSample(mode: string): SampleSynth {
  return sample(mode, { privateCluster: true });
}

/** The resources of `type` as [logical ID, resource] pairs. */
export function resourcesOf(s: SampleSynth, type: string): Array<[string, any]> {
  return Object.entries(s.template.findResources(type));
}

/** The one resource of `type`. */
export function oneOf(s: SampleSynth, type: string): [string, any] {
  const found = resourcesOf(s, type);
  if (found.length !== 1) {
    throw new Error(`expected one ${type}, found ${found.length}`);
  }
  return found[0];
}

/** The AZ index (`Fn::Select` of `Fn::GetAZs`) of each subnet, given `{ Ref }`s to subnets. */
export function azIndexesOf(s: SampleSynth, subnetRefs: any[]): number[] {
  return subnetRefs.map((ref) => s.json.Resources[ref.Ref].Properties.AvailabilityZone['Fn::Select'][0]);
}

/** `{ Ref }`s to the VPC's subnets of one type (`Public` or `Private`). */
export function subnetRefs(s: SampleSynth, type: string): any[] {
  return resourcesOf(s, 'AWS::EC2::Subnet')
    .filter(([, r]) => r.Properties.Tags.some((t: any) => t.Key === 'aws-cdk:subnet-type' && t.Value === type))
    .map(([id]) => ({ Ref: id }));
}
