/**
 * What Kubernetes does with a persistent volume, and the EBS volume or EFS directory behind it,
 * when its PersistentVolumeClaim is deleted.
 */
export enum VolumeReclaimPolicy {
  /**
   * Keep the volume and its data. A claim deleted by accident, or a manifest renamed so the claim
   * is recreated, loses nothing; an operator deletes the released volume on purpose.
   */
  RETAIN = 'Retain',
  /** Delete the volume and its data with the claim. For scratch data only. */
  DELETE = 'Delete',
}
