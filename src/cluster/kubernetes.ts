/**
 * The Kubernetes executor: a plan's runs as an Indexed Job (`completionMode: Indexed`): the pod of
 * completion index k runs `rethink run --plan DIR/plan.json --index i_k` — i_k = k for a whole plan,
 * or the k-th of the runs left when resuming. The results directory lives on a PersistentVolumeClaim
 * the user names, mounted in every pod at the same path as DIR here, so the plan's paths (its
 * `plan.json`, a CIFAR-10 directory under DIR) hold unchanged in the pods and `rethink report DIR`
 * reads what they wrote. The Job is a typed `V1Job` of `@kubernetes/client-node`, written as YAML;
 * `--apply` submits it through the same library (kubeconfig as kubectl finds it).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, isAbsolute } from 'node:path';
import type { V1Container, V1Job, V1Pod } from '@kubernetes/client-node';
import { InputError } from '../errors.js';
import type { Plan } from '../experiments/plan.js';
import { fileError } from '../training/run-store.js';
import { pause } from './engine.js';
import { kubernetesMemory, type Memory } from './resources.js';

/** What the Job is made of. */
export interface KubernetesOptions {
  /** the container image with rethink installed (`rethink` on PATH) */
  readonly image: string;
  /** the PersistentVolumeClaim holding the results directory */
  readonly pvc: string;
  /** the results directory's path inside the volume (default: its root) */
  readonly pvcPath?: string;
  readonly namespace: string;
  /** the Job's name (a DNS label) */
  readonly name: string;
  /** pods at once (default: all) */
  readonly parallel?: number;
  /** CPUs requested per pod (default 1) */
  readonly cpus?: number;
  /** memory requested and limited per pod */
  readonly mem?: Memory;
  /** nvidia.com/gpu per pod */
  readonly gpus?: number;
}

/** Quotes a word for /bin/sh. */
const sh = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * Refuses a plan that reads CIFAR-10 from outside the results directory: the pods see only the
 * volume, mounted at the results directory's path.
 *
 * @throws InputError naming where to put the batches
 * @example
 * checkDataInside(plan, '/results'); // plan.data.dataDir '/results/cifar-10-batches-bin': fine
 */
export function checkDataInside(plan: Pick<Plan, 'data'>, dir: string): void {
  if (plan.data.dataDir === null) return;
  const rel = relative(dir, plan.data.dataDir);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new InputError(`--data-dir ${plan.data.dataDir} is outside the results directory ${dir}: the pods see only the volume mounted there; copy the CIFAR-10 batches under ${dir} (e.g. ${join(dir, 'cifar-10-batches-bin')}) and give that as --data-dir`);
  }
}

/**
 * The Indexed Job that runs some of a plan's runs.
 *
 * @param dir the results directory (absolute): the volume is mounted there in every pod
 * @param indices the plan's runs to run, in completion-index order (all of them: completion index = run index)
 * @throws InputError when the plan reads CIFAR-10 from outside DIR (the pods see only the volume)
 * @example
 * const job = indexedJob(plan, '/results', [0, 1, 2, 3], { image: 'rethink:0.1.0', pvc: 'rethink-results', namespace: 'default', name: 'rethink-3983cdd1-1', gpus: 1 });
 */
export function indexedJob(plan: Plan, dir: string, indices: readonly number[], options: KubernetesOptions): V1Job {
  checkDataInside(plan, dir);
  const whole = indices.length === plan.runs.length && indices.every((i, k) => i === k);
  const planFile = join(dir, 'plan.json');
  // Completion index k → run index: the same for a whole plan, else the k-th of the listed runs.
  const script = whole
    ? `exec rethink run --plan ${sh(planFile)} --index "$JOB_COMPLETION_INDEX"`
    : `set -- ${indices.join(' ')}; shift "$JOB_COMPLETION_INDEX"; exec rethink run --plan ${sh(planFile)} --index "$1"`;
  const labels = { 'app.kubernetes.io/name': 'rethink', 'app.kubernetes.io/component': 'plan-run', 'rethink/plan': plan.id };
  const requests: Record<string, string> = { cpu: String(options.cpus ?? 1), ...(options.mem !== undefined ? { memory: kubernetesMemory(options.mem) } : {}) };
  const limits: Record<string, string> = { ...(options.mem !== undefined ? { memory: kubernetesMemory(options.mem) } : {}), ...(options.gpus !== undefined ? { 'nvidia.com/gpu': String(options.gpus) } : {}) };
  const container: V1Container = {
    name: 'rethink',
    image: options.image,
    command: ['/bin/sh', '-c', script],
    env: [{ name: 'RETHINK_PLAN', value: planFile }],
    resources: { requests, ...(Object.keys(limits).length > 0 ? { limits } : {}) },
    volumeMounts: [{ name: 'results', mountPath: dir, ...(options.pvcPath !== undefined ? { subPath: options.pvcPath } : {}) }],
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: options.name, namespace: options.namespace, labels, annotations: { 'rethink/runs': indices.join(','), 'rethink/results': dir } },
    spec: {
      completionMode: 'Indexed',
      completions: indices.length,
      parallelism: Math.min(options.parallel ?? indices.length, indices.length),
      // A pod that dies (evicted, node lost) is retried for its index alone; the run continues from its checkpoint.
      backoffLimitPerIndex: 2,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          containers: [container],
          volumes: [{ name: 'results', persistentVolumeClaim: { claimName: options.pvc } }],
        },
      },
    },
  };
}

/**
 * A name for the K-th Job of a plan: `rethink-<plan id>-<K>` (a DNS label).
 *
 * @example
 * jobName('3983cdd176c9f1a8', 1); // 'rethink-3983cdd1-1'
 */
export function jobName(planId: string, k: number): string {
  return `rethink-${planId.slice(0, 8)}-${k}`;
}

/**
 * Writes the Job as YAML to `DIR/kubernetes/job-K.yaml` (K counts the manifests there).
 *
 * @returns the file and K
 * @example
 * const { file } = await writeManifest(dir, (k) => indexedJob(plan, dir, indices, { ...options, name: jobName(plan.id, k) }));
 */
export async function writeManifest(dir: string, make: (k: number) => V1Job): Promise<{ file: string; job: V1Job }> {
  const folder = join(dir, 'kubernetes');
  const k = (existsSync(folder) ? readdirSync(folder).filter((f) => /^job-\d+\.yaml$/.test(f)).length : 0) + 1;
  const job = make(k);
  const { dumpYaml } = await import('@kubernetes/client-node');
  const text = `# rethink: an Indexed Job over the plan in ${dir} (kubectl apply -f THIS_FILE, or rethink reproduce … --executor kubernetes --apply)\n${dumpYaml(job)}`;
  const file = join(folder, `job-${k}.yaml`);
  try {
    mkdirSync(folder, { recursive: true });
    writeFileSync(file, text);
  } catch (err) {
    throw fileError(err, 'write', file);
  }
  return { file, job };
}

/**
 * The Kubernetes API's message in an error of the client library, in one line (the Status's
 * `message` when the body is one, and the HTTP code).
 *
 * @example
 * apiMessage({ code: 403, body: '{"kind":"Status","message":"exceeded quota: compute"}' }); // 'exceeded quota: compute (HTTP 403)'
 */
export function apiMessage(err: unknown): string {
  const e = err as { code?: number; body?: unknown; message?: string };
  let message = e.message ?? String(err);
  if (typeof e.body === 'string') {
    try {
      const status = JSON.parse(e.body) as { message?: string; reason?: string };
      if (status.message !== undefined) message = status.message;
    } catch {
      if (e.body.trim() !== '') message = e.body.trim();
    }
  } else if (e.body !== null && typeof e.body === 'object' && typeof (e.body as { message?: unknown }).message === 'string') message = (e.body as { message: string }).message;
  return `${message.split(/\r?\n/).filter((l) => l.trim() !== '').join('; ')}${typeof e.code === 'number' && e.code > 0 ? ` (HTTP ${e.code})` : ''}`;
}

/** The client's API objects for a kubeconfig (as kubectl finds it: $KUBECONFIG, ~/.kube/config, in-cluster). */
async function clients(): Promise<{ batch: import('@kubernetes/client-node').BatchV1Api; core: import('@kubernetes/client-node').CoreV1Api; server: string }> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  try {
    kc.loadFromDefault();
  } catch (err) {
    throw new InputError(`the kubeconfig could not be read: ${(err as Error).message.split('\n')[0]}; check $KUBECONFIG or ~/.kube/config (kubectl config view)`);
  }
  return { batch: kc.makeApiClient(k8s.BatchV1Api), core: kc.makeApiClient(k8s.CoreV1Api), server: kc.getCurrentCluster()?.server ?? '(no cluster in the kubeconfig)' };
}

/**
 * Submits the Job.
 *
 * @throws InputError in one line with the API server's own message (a quota, a forbidden namespace, an existing name) or why it could not be reached
 * @example
 * await applyJob(job);
 */
export async function applyJob(job: V1Job): Promise<void> {
  const { batch, server } = await clients();
  try {
    await batch.createNamespacedJob({ namespace: job.metadata?.namespace ?? 'default', body: job });
  } catch (err) {
    const e = err as { code?: number };
    if (typeof e.code === 'number') throw new InputError(`Kubernetes refused Job ${job.metadata?.name}: ${apiMessage(err)}`);
    throw new InputError(`the Kubernetes API at ${server} could not be reached: ${apiMessage(err)}; check the kubeconfig (kubectl cluster-info)`);
  }
}

/**
 * A pod's completion index and why it cannot run, when it cannot (an image that does not pull, a
 * missing claim, a bad container config); null for a pod that is fine or merely waiting its turn.
 *
 * @example
 * podProblem(pod); // { index: 0, pod: 'rethink-3983cdd1-1-0-abcde', reason: 'ImagePullBackOff', message: 'Back-off pulling image …' }
 */
export function podProblem(pod: V1Pod): { index: number | null; pod: string; reason: string; message: string } | null {
  const index = pod.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'];
  const base = { index: index !== undefined ? Number(index) : null, pod: pod.metadata?.name ?? '?' };
  for (const c of pod.status?.containerStatuses ?? []) {
    const w = c.state?.waiting;
    if (w !== undefined && ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError'].includes(w.reason ?? '')) {
      return { ...base, reason: w.reason as string, message: w.message ?? '' };
    }
  }
  const unschedulable = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && /persistentvolumeclaim .* not found/i.test(c.message ?? ''));
  if (unschedulable !== undefined) return { ...base, reason: unschedulable.reason ?? 'Unschedulable', message: unschedulable.message ?? '' };
  return null;
}

/**
 * Parses an index list of a Job's status (`completedIndexes`, `failedIndexes`: `"0-2,5"`).
 *
 * @example
 * parseIndexes('0-2,5'); // [0, 1, 2, 5]
 */
export function parseIndexes(text: string | undefined): number[] {
  if (text === undefined || text.trim() === '') return [];
  return text.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number) as [number, number | undefined];
    return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, k) => a + k);
  });
}

/** What waiting on a Job reports. */
export type JobEvent = { kind: 'progress'; completed: readonly number[]; failed: readonly number[]; active: number };

/**
 * Polls a Job until it completes or fails, reporting which completion indexes are done; stops at
 * once, in one line with Kubernetes' message, when a pod cannot start (the image does not pull, the
 * claim does not exist): the Job would retry it forever.
 *
 * @returns the completion indexes that succeeded and failed
 * @throws InputError for a pod that cannot start, or an API error
 * @example
 * const { completed, failed } = await waitForJob('default', 'rethink-3983cdd1-1', { onEvent: console.log });
 */
export async function waitForJob(namespace: string, name: string, options: { pollMs?: number; signal?: AbortSignal; onEvent?(e: JobEvent): void } = {}): Promise<{ completed: number[]; failed: number[]; done: boolean }> {
  const { batch, core } = await clients();
  let seen = '';
  for (;;) {
    let job: V1Job;
    try {
      job = await batch.readNamespacedJobStatus({ name, namespace });
    } catch (err) {
      throw new InputError(`Kubernetes Job ${namespace}/${name}: ${apiMessage(err)}`);
    }
    const completed = parseIndexes(job.status?.completedIndexes);
    const failed = parseIndexes(job.status?.failedIndexes);
    const key = `${completed.join(',')}|${failed.join(',')}|${job.status?.active ?? 0}`;
    if (key !== seen) {
      seen = key;
      options.onEvent?.({ kind: 'progress', completed, failed, active: job.status?.active ?? 0 });
    }
    const finished = job.status?.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') ?? false;
    if (finished) return { completed, failed, done: true };
    const pods = await core.listNamespacedPod({ namespace, labelSelector: `job-name=${name}` }).catch((err: unknown) => {
      throw new InputError(`Kubernetes Job ${namespace}/${name}: listing its pods failed: ${apiMessage(err)}`);
    });
    for (const pod of pods.items) {
      const p = podProblem(pod);
      if (p !== null) {
        throw new InputError(`Kubernetes Job ${namespace}/${name}: pod ${p.pod}${p.index !== null ? ` (index ${p.index})` : ''} cannot start: ${p.reason}${p.message !== '' ? ` — ${p.message.split('\n')[0]}` : ''}; fix it and delete the Job (kubectl delete job -n ${namespace} ${name}), then --resume`);
      }
    }
    if (options.signal?.aborted === true) return { completed, failed, done: false };
    await pause(options.pollMs ?? 5000, options.signal);
  }
}
