import { addonVersionProblem, pinnedAddonVersion } from '../private/addon-versions';

/**
 * The add-on versions this library pins per Kubernetes version, and the offline rule an override
 * must pass, for every jsii language. Where the numbers come from and how to refresh them:
 * docs/ADDONS.md.
 */
export class AddonVersions {
  /**
   * The version of `addonName` pinned for Kubernetes `kubernetesVersion` (such as '1.36'). Throws
   * when nothing is pinned for that pair.
   */
  public static pinned(addonName: string, kubernetesVersion: string): string {
    return pinnedAddonVersion(addonName, kubernetesVersion);
  }

  /** Why `addonVersion` cannot be `addonName`'s version on `kubernetesVersion`, or undefined when it can. */
  public static problemWith(addonName: string, addonVersion: string, kubernetesVersion: string): string | undefined {
    return addonVersionProblem(addonName, addonVersion, kubernetesVersion);
  }

  private constructor() {}
}
