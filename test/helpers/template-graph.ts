/**
 * The dependency graph of a synthesized template, as CloudFormation sees it: a resource waits on
 * create for (and is deleted before) every resource it names in `DependsOn`, `Ref`, `Fn::GetAtt` or
 * `Fn::Sub`. Deletion policy decides whether a delete removes it or leaves it behind.
 */

/** One edge of the graph: `from` uses (`how` = 'use') or only waits for (`how` = 'order') `to`. */
export interface Edge {
  readonly to: string;
  readonly how: 'use' | 'order';
}

/** The resources `id` names directly: Ref, GetAtt and Sub are uses, DependsOn is order. */
export function edgesOf(template: any, id: string): Edge[] {
  const resources = template.Resources;
  const resource = resources[id];
  const uses = new Set<string>();
  const walk = (value: any): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (value && typeof value === 'object') {
      if (typeof value.Ref === 'string') uses.add(value.Ref);
      const getAtt = value['Fn::GetAtt'];
      if (Array.isArray(getAtt)) uses.add(getAtt[0]);
      if (typeof getAtt === 'string') uses.add(getAtt.split('.')[0]);
      const sub = value['Fn::Sub'];
      const subText = typeof sub === 'string' ? sub : Array.isArray(sub) ? sub[0] : undefined;
      for (const m of (subText ?? '').matchAll(/\$\{([A-Za-z0-9]+)(?:\.[^}]*)?\}/g)) uses.add(m[1]);
      Object.values(value).forEach(walk);
    }
  };
  walk(resource.Properties);
  const edges: Edge[] = [...uses].filter((to) => resources[to]).map((to) => ({ to, how: 'use' as const }));
  for (const to of [resource.DependsOn ?? []].flat()) {
    if (!uses.has(to) && resources[to]) edges.push({ to, how: 'order' });
  }
  return edges;
}

/** Every resource `id` waits for on create, directly or through others: all of them are deleted after it. */
export function dependenciesOf(template: any, id: string): Set<string> {
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length > 0) {
    for (const { to } of edgesOf(template, stack.pop()!)) {
      if (!seen.has(to)) {
        seen.add(to);
        stack.push(to);
      }
    }
  }
  return seen;
}

/** Whether a stack delete leaves the resource behind. */
export function isRetained(template: any, id: string): boolean {
  return ['Retain', 'RetainExceptOnCreate'].includes(template.Resources[id].DeletionPolicy);
}

/**
 * What a delete of the whole stack breaks: every retained resource that uses (by Ref, GetAtt or
 * Sub) a resource the delete removes, as `retained -> deleted (type)`.
 */
export function retainedUsingDeleted(template: any): string[] {
  const found: string[] = [];
  for (const id of Object.keys(template.Resources)) {
    if (!isRetained(template, id)) continue;
    for (const { to, how } of edgesOf(template, id)) {
      if (how === 'use' && !isRetained(template, to)) {
        found.push(`${id} -> ${to} (${template.Resources[to].Type})`);
      }
    }
  }
  return found.sort();
}

/** The logical IDs of the resources of `type`. */
export function idsOfType(template: any, type: string): string[] {
  return Object.entries(template.Resources).filter(([, r]: [string, any]) => r.Type === type).map(([id]) => id);
}
