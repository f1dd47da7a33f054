import type { Deployment } from 'kubernetes-types/apps/v1';
import type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2';
import type { Job } from 'kubernetes-types/batch/v1';
import type { Container, Namespace, PersistentVolumeClaim, PodSecurityContext, Service, ServiceAccount, Volume } from 'kubernetes-types/core/v1';
import type { Ingress } from 'kubernetes-types/networking/v1';

/** What the sample workloads need to know about the platform under them. */
export interface WorkloadOptions {
  /** Namespace of every workload object. */
  readonly namespace: string;
  /** StorageClass of the EBS claim; undefined leaves the EBS claim and its writer out (Fargate). */
  readonly ebsStorageClass?: string;
  /**
   * StorageClass of the EFS claim (dynamic provisioning through access points). Undefined when the
   * claim comes with a statically provisioned volume instead (Fargate).
   */
  readonly efsStorageClass?: string;
  /** The S3 bucket the content loader reads. */
  readonly contentBucketName: string;
  /** Service account of the content loader, bound to its IAM role by Pod Identity or IRSA. */
  readonly contentLoaderServiceAccount: string;
  /** Annotations of that service account (the IRSA role ARN on Fargate; none for Pod Identity). */
  readonly contentLoaderServiceAccountAnnotations?: Record<string, string>;
  /** `alb.ingress.kubernetes.io/scheme`: internet-facing, or internal for a private cluster. */
  readonly ingressScheme: string;
  /** The reference each public image is pulled by (the pull-through cache in a private cluster). */
  readonly image?: (publicImage: string) => string;
}

export const WEB_APP = 'web';
export const EFS_CLAIM = 'shared-content';
export const EBS_CLAIM = 'journal-data';

const RESTRICTED_POD: PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  fsGroup: 10001,
  seccompProfile: { type: 'RuntimeDefault' },
};

const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

/**
 * The sample's Kubernetes objects, in apply order. No bare Pods: Deployments and a Job own them.
 *
 * - `web`: a Deployment whose pods hold two containers sharing an emptyDir (ephemeral storage
 *   and one network namespace): a sidecar copies the shared EFS content into the emptyDir and
 *   nginx serves it; a Service, an `alb` Ingress and a HorizontalPodAutoscaler in front.
 * - `load-content`: a Job that copies the content bucket into the shared EFS volume, as a
 *   dedicated service account bound to a read-only role on that one bucket.
 * - `journal`: a one-replica Deployment writing to an EBS volume (left out on Fargate).
 */
export function sampleWorkloads(options: WorkloadOptions): Array<Record<string, any>> {
  const ns = options.namespace;
  const image = options.image ?? ((ref: string) => ref);
  const labels = { 'app.kubernetes.io/name': WEB_APP, 'app.kubernetes.io/part-of': 'eks-architecture-sample' };

  const namespace: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } };

  const serviceAccount: ServiceAccount = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: options.contentLoaderServiceAccount, namespace: ns, annotations: options.contentLoaderServiceAccountAnnotations },
  };

  const efsClaims: PersistentVolumeClaim[] = options.efsStorageClass ? [{
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: EFS_CLAIM, namespace: ns },
    spec: {
      accessModes: ['ReadWriteMany'],
      storageClassName: options.efsStorageClass,
      // EFS is elastic; Kubernetes still requires a request.
      resources: { requests: { storage: '5Gi' } },
    },
  }] : [];

  const html: Volume = { name: 'html', emptyDir: { sizeLimit: '64Mi' } };
  const shared: Volume = { name: 'shared', persistentVolumeClaim: { claimName: EFS_CLAIM, readOnly: true } };
  const tmp: Volume = { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } };

  const web: Container = {
    name: 'web',
    image: image('public.ecr.aws/nginx/nginx-unprivileged:1.27-alpine'),
    ports: [{ name: 'http', containerPort: 8080 }],
    volumeMounts: [
      { name: 'html', mountPath: '/usr/share/nginx/html', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ],
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
    readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 10 },
    livenessProbe: { httpGet: { path: '/', port: 'http' }, initialDelaySeconds: 10, periodSeconds: 20 },
    securityContext: RESTRICTED_CONTAINER,
  };

  const contentSync: Container = {
    name: 'content-sync',
    image: image('public.ecr.aws/docker/library/busybox:1.36'),
    command: ['sh', '-c', 'while true; do cp -r /shared/. /html/ 2>/dev/null; [ -f /html/index.html ] || echo "<h1>EKS architecture sample</h1>" > /html/index.html; sleep 30; done'],
    volumeMounts: [
      { name: 'html', mountPath: '/html' },
      { name: 'shared', mountPath: '/shared', readOnly: true },
    ],
    resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } },
    readinessProbe: { exec: { command: ['test', '-f', '/html/index.html'] }, periodSeconds: 10 },
    livenessProbe: { exec: { command: ['test', '-d', '/html'] }, periodSeconds: 30 },
    securityContext: RESTRICTED_CONTAINER,
  };

  const deployment: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: WEB_APP, namespace: ns, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          securityContext: RESTRICTED_POD,
          containers: [web, contentSync],
          volumes: [html, shared, tmp],
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels } }],
        },
      },
    },
  };

  const service: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: WEB_APP, namespace: ns, labels },
    spec: { type: 'ClusterIP', selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };

  const ingress: Ingress = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: WEB_APP,
      namespace: ns,
      annotations: {
        'alb.ingress.kubernetes.io/scheme': options.ingressScheme,
        // IP targets reach pods directly: required on Fargate, and the same everywhere.
        'alb.ingress.kubernetes.io/target-type': 'ip',
        'alb.ingress.kubernetes.io/healthcheck-path': '/',
      },
    },
    spec: {
      ingressClassName: 'alb',
      rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: WEB_APP, port: { name: 'http' } } } }] } }],
    },
  };

  const autoscaler: HorizontalPodAutoscaler = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: WEB_APP, namespace: ns },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: WEB_APP },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
  };

  const loadContent: Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'load-content', namespace: ns },
    spec: {
      backoffLimit: 3,
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'load-content' } },
        spec: {
          serviceAccountName: options.contentLoaderServiceAccount,
          restartPolicy: 'OnFailure',
          securityContext: RESTRICTED_POD,
          containers: [{
            name: 'aws-cli',
            image: image('public.ecr.aws/aws-cli/aws-cli:2.22.35'),
            args: ['s3', 'cp', '--recursive', `s3://${options.contentBucketName}/site/`, '/content/'],
            env: [{ name: 'HOME', value: '/tmp' }],
            volumeMounts: [{ name: 'content', mountPath: '/content' }, { name: 'tmp', mountPath: '/tmp' }],
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
            securityContext: RESTRICTED_CONTAINER,
          }],
          volumes: [{ name: 'content', persistentVolumeClaim: { claimName: EFS_CLAIM } }, tmp],
        },
      },
    },
  };

  const objects: Array<Record<string, any>> = [namespace, serviceAccount, ...efsClaims, deployment, service, ingress, autoscaler, loadContent];

  if (options.ebsStorageClass) {
    const ebsClaim: PersistentVolumeClaim = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: EBS_CLAIM, namespace: ns },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: options.ebsStorageClass, resources: { requests: { storage: '10Gi' } } },
    };
    const journalLabels = { 'app.kubernetes.io/name': 'journal' };
    const journal: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'journal', namespace: ns, labels: journalLabels },
      spec: {
        // One writer: an EBS volume attaches to one node at a time, so the old pod goes first.
        replicas: 1,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: journalLabels },
        template: {
          metadata: { labels: journalLabels },
          spec: {
            securityContext: RESTRICTED_POD,
            containers: [{
              name: 'journal',
              image: image('public.ecr.aws/docker/library/busybox:1.36'),
              command: ['sh', '-c', 'while true; do date >> /data/journal.log; sleep 60; done'],
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
              resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } },
              livenessProbe: { exec: { command: ['test', '-w', '/data'] }, periodSeconds: 30 },
              securityContext: RESTRICTED_CONTAINER,
            }],
            volumes: [{ name: 'data', persistentVolumeClaim: { claimName: EBS_CLAIM } }],
          },
        },
      },
    };
    objects.push(ebsClaim, journal);
  }

  return objects;
}
