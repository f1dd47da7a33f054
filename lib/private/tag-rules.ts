import { CfnResource, Stack, TagManager, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The tag rules AWS applies to every resource this library creates, checked at synth after the tag
 * aspects (`Tags.of(scope).add()`) ran: at most 50 tags, keys of 1 to 128 characters that do not
 * begin with `aws:` (reserved for AWS), values of at most 256 characters
 * (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions).
 */
export const MAX_TAGS = 50;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;

/** The problems with one resource's tags, each naming the tag. Token keys and values pass. */
export function tagProblems(tags: Record<string, string>): string[] {
  const problems: string[] = [];
  const keys = Object.keys(tags);
  if (keys.length > MAX_TAGS) {
    problems.push(`has ${keys.length} tags; AWS takes at most ${MAX_TAGS} per resource`);
  }
  for (const key of keys) {
    if (Token.isUnresolved(key)) {
      continue;
    }
    if (key.toLowerCase().startsWith('aws:')) {
      problems.push(`tag key '${key}' begins with 'aws:', which is reserved for AWS`);
    }
    if (key.length < 1 || key.length > MAX_TAG_KEY_LENGTH) {
      problems.push(`tag key '${key}' has ${key.length} characters; keys take 1 to ${MAX_TAG_KEY_LENGTH}`);
    }
    const value = tags[key];
    if (!Token.isUnresolved(value) && value.length > MAX_TAG_VALUE_LENGTH) {
      problems.push(`tag '${key}' has a value of ${value.length} characters; values take at most ${MAX_TAG_VALUE_LENGTH}`);
    }
  }
  return problems;
}

const WATCHED = new WeakMap<IConstruct, IConstruct[]>();

/**
 * Checks the tags of every resource under `scope` at synth. One validation per stack walks every
 * watched construct once, however many there are.
 */
export function checkTagsAtSynth(scope: IConstruct): void {
  const stack = Stack.of(scope);
  let watched = WATCHED.get(stack);
  if (!watched) {
    const list: IConstruct[] = [];
    watched = list;
    WATCHED.set(stack, list);
    stack.node.addValidation({ validate: () => watchedTagProblems(list) });
  }
  watched.push(scope);
}

function watchedTagProblems(roots: IConstruct[]): string[] {
  const seen = new Set<IConstruct>();
  const problems: string[] = [];
  for (const root of roots) {
    for (const c of root.node.findAll()) {
      if (seen.has(c) || !CfnResource.isCfnResource(c)) {
        continue;
      }
      seen.add(c);
      const manager = TagManager.of(c);
      if (manager) {
        problems.push(...tagProblems(manager.tagValues()).map((p) => `'${c.node.path}' ${p}`));
      }
    }
  }
  return problems;
}
