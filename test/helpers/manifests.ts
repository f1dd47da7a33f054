import { Template } from 'aws-cdk-lib/assertions';

/** A Kubernetes object applied through the kubectl provider, with CloudFormation tokens shown as `<...>`. */
export type K8sObject = Record<string, any>;

/**
 * Every Kubernetes object in the template's `Custom::AWSCDK-EKS-KubernetesResource` resources whose
 * logical ID contains `idPart`. The `Manifest` property is a JSON string, or an `Fn::Join` when it
 * holds tokens; tokens become `<Ref:X>` / `<X.Attr>` strings.
 */
export function manifestObjects(template: Template, idPart = ''): K8sObject[] {
  const resources = template.findResources('Custom::AWSCDK-EKS-KubernetesResource');
  const objects: K8sObject[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!logicalId.includes(idPart)) {
      continue;
    }
    objects.push(...JSON.parse(flatten(resource.Properties.Manifest)));
  }
  return objects;
}

/** The values of every Helm chart in the template, tokens shown as in `manifestObjects`. */
export function helmChartValues(template: Template): Array<Record<string, any>> {
  return Object.values(template.findResources('Custom::AWSCDK-EKS-HelmChart'))
    .filter((chart: any) => chart.Properties.Values !== undefined)
    .map((chart: any) => JSON.parse(flatten(chart.Properties.Values)));
}

/** The one object of `kind` named `name` among `objects`. */
export function objectOf(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} ${name}, found ${found.length} among ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  }
  return found[0];
}

function flatten(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const join = (value as any)['Fn::Join'];
  if (join) {
    return (join[1] as unknown[]).map((part) => typeof part === 'string' ? part : tokenText(part)).join(join[0]);
  }
  throw new Error(`unexpected Manifest value ${JSON.stringify(value)}`);
}

function tokenText(part: any): string {
  if (part.Ref) {
    return `<Ref:${part.Ref}>`;
  }
  if (part['Fn::GetAtt']) {
    return `<${part['Fn::GetAtt'].join('.')}>`;
  }
  return `<${JSON.stringify(part).replace(/"/g, '')}>`;
}
