/**
 * The executors without a cluster: the Slurm batch script a plan gets (--plan-only writes it, not
 * submitted), the Kubernetes Indexed Job as a manifest (its fields, the index wiring — executed with
 * /bin/sh — and the volume), --apply and --wait through @kubernetes/client-node against a stand-in
 * API server on localhost that answers as Kubernetes does (no cluster was available: a real one was
 * never tried), and bad input: a flag of another executor, bad values, a plan whose runs would write
 * outside the results directory — each one line, exit 2.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadYaml, type V1Job } from '@kubernetes/client-node';
import { afterAll, describe, expect, test } from 'vitest';
import { arraySpec, parseSacct, parseScontrol, parseSqueue } from '../../src/cluster/slurm.js';
import { parseIndexes } from '../../src/cluster/kubernetes.js';
import { engineMessage } from '../../src/cluster/engine.js';
import { cli } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'rethink-executors-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const flags = ['--only', 'fig1c', '--data', 'synthetic', '--set', 'n=30', '--set', 'epochs=2', '--set', 'ps=0,1', '--set', 'seeds=1,2', '--set', 'testN=20'];

async function refused(args: string[], message: RegExp): Promise<void> {
  const { code, out } = await cli(args);
  expect(out.errors, args.join(' ')).toHaveLength(1);
  expect(out.errors[0], args.join(' ')).toMatch(message);
  expect(code, args.join(' ')).toBe(2);
}

describe('Slurm: the batch script', () => {
  test('one array over the runs, task i = run i, with the resources asked for; nothing submitted with --plan-only', async () => {
    const dir = join(tmp, 'script');
    const { code, out } = await cli(['reproduce', ...flags, '--executor', 'slurm', '--partition', 'gpu', '--time', '2:00:00', '--cpus', '4', '--mem', '8G', '--gres', 'gpu:1', '--sbatch', 'account=lab', '--sbatch=--qos=long', '--requeue', '--parallel', '2', '--plan-only', '--out', dir, '--json']);
    expect(out.errors).toEqual([]);
    expect(code).toBe(0);
    const script = readFileSync(join(dir, 'slurm', 'array-1.sh'), 'utf8');
    expect(out.jsons[0]).toMatchObject({ executor: 'slurm', script: join(dir, 'slurm', 'array-1.sh'), submit: `sbatch ${join(dir, 'slurm', 'array-1.sh')}` });
    const sbatchLines = script.split('\n').filter((l) => l.startsWith('#SBATCH'));
    expect(sbatchLines).toEqual([
      `#SBATCH --job-name=rethink-${(out.jsons[0] as { id: string }).id.slice(0, 8)}`,
      '#SBATCH --array=0-3%2',
      `#SBATCH --output=${dir}/slurm/logs/%A_%a.out`,
      '#SBATCH --open-mode=append',
      `#SBATCH --chdir=${dir}`,
      '#SBATCH --ntasks=1',
      '#SBATCH --cpus-per-task=4',
      '#SBATCH --partition=gpu',
      '#SBATCH --time=2:00:00',
      '#SBATCH --mem=8G',
      '#SBATCH --gres=gpu:1',
      '#SBATCH --requeue',
      '#SBATCH --account=lab',
      '#SBATCH --qos=long',
    ]);
    expect(script).toMatch(new RegExp(`^exec ${process.execPath} \\S+/bin/rethink\\.js run --plan ${dir}/plan\\.json --index "\\$SLURM_ARRAY_TASK_ID"$`, 'm'));
    expect(existsSync(join(dir, 'submissions.json'))).toBe(false);
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  });

  test('array specs and the engines\' outputs are read as Slurm writes them', () => {
    expect(arraySpec([0, 1, 2, 3])).toBe('0-3');
    expect(arraySpec([9, 1, 5, 6, 7], 3)).toBe('1,5-7,9%3');
    expect([...parseSqueue('0|RUNNING|None\n3|PENDING|JobArrayTaskLimit\n')]).toEqual([[0, { state: 'RUNNING', detail: 'None' }], [3, { state: 'PENDING', detail: 'JobArrayTaskLimit' }]]);
    expect([...parseSacct('12_0|COMPLETED|0:0\n12_1|CANCELLED by 0|0:15\n12_[2-3]|PENDING|0:0\n')]).toEqual([[0, { state: 'COMPLETED', detail: '0:0' }], [1, { state: 'CANCELLED', detail: '0:15' }]]);
    expect([...parseScontrol('JobId=5 ArrayJobId=2 ArrayTaskId=2 JobName=x JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0\nJobId=2 ArrayJobId=2 ArrayTaskId=3-4%2 JobState=PENDING ExitCode=0:0\n')]).toEqual([[2, { state: 'FAILED', detail: '3:0' }]]);
    expect(engineMessage('sbatch: error: invalid partition specified: gpu\nsbatch: error: Batch job submission failed: Invalid partition name specified\n')).toBe('invalid partition specified: gpu; Batch job submission failed: Invalid partition name specified');
    expect(parseIndexes('0-2,5')).toEqual([0, 1, 2, 5]);
  });
});

describe('Kubernetes: the Indexed Job', () => {
  const dir = join(tmp, 'k8s');
  const k8sFlags = ['--executor', 'kubernetes', '--image', 'registry.example.org/rethink:0.1.0', '--pvc', 'rethink-results', '--pvc-path', 'experiments/quick', '--namespace', 'lab', '--cpus', '2', '--mem', '8G', '--gpus', '1', '--parallel', '3'];

  test('a typed V1Job: Indexed, completions = runs, the index from JOB_COMPLETION_INDEX, the claim mounted at the results directory', async () => {
    const { code, out } = await cli(['reproduce', ...flags, ...k8sFlags, '--out', dir, '--json']);
    expect(out.errors).toEqual([]);
    expect(code).toBe(0);
    const file = join(dir, 'kubernetes', 'job-1.yaml');
    expect(out.jsons[0]).toMatchObject({ executor: 'kubernetes', manifest: file, tasks: 4, indices: [0, 1, 2, 3], applied: false });
    const job = loadYaml<V1Job>(readFileSync(file, 'utf8')); // deserialized by the client library's models
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as { id: string };
    expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: `rethink-${plan.id.slice(0, 8)}-1`, namespace: 'lab', labels: { 'rethink/plan': plan.id } } });
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 4, parallelism: 3, backoffLimitPerIndex: 2 });
    const pod = job.spec!.template.spec!;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.volumes).toEqual([{ name: 'results', persistentVolumeClaim: { claimName: 'rethink-results' } }]);
    const c = pod.containers[0]!;
    expect(c.image).toBe('registry.example.org/rethink:0.1.0');
    expect(c.volumeMounts).toEqual([{ name: 'results', mountPath: dir, subPath: 'experiments/quick' }]);
    expect(c.resources).toEqual({ requests: { cpu: '2', memory: '8Gi' }, limits: { memory: '8Gi', 'nvidia.com/gpu': '1' } });
    expect(c.command).toEqual(['/bin/sh', '-c', `exec rethink run --plan ${dir}/plan.json --index "$JOB_COMPLETION_INDEX"`]);
  });

  test('resuming: a Job over the runs left, completion index k → the k-th of them (the pod\'s shell, run here)', async () => {
    for (const i of ['0', '2']) expect((await cli(['run', '--plan', join(dir, 'plan.json'), '--index', i])).code).toBe(0);
    const { code, out } = await cli(['reproduce', ...flags, ...k8sFlags, '--out', dir, '--resume', '--json']);
    expect(code).toBe(0);
    expect(out.jsons[0]).toMatchObject({ manifest: join(dir, 'kubernetes', 'job-2.yaml'), tasks: 2, indices: [1, 3] });
    const job = loadYaml<V1Job>(readFileSync(join(dir, 'kubernetes', 'job-2.yaml'), 'utf8'));
    expect(job.spec).toMatchObject({ completions: 2, parallelism: 2 });
    const [sh, dashC, script] = job.spec!.template.spec!.containers[0]!.command!;
    const runs = [0, 1].map((k) => execFileSync(sh!, [dashC!, `rethink() { echo "$@"; }; ${script!.replace(/^(.*)exec rethink/, '$1rethink')}`], { env: { JOB_COMPLETION_INDEX: String(k), PATH: process.env.PATH ?? '' }, encoding: 'utf8' }).trim());
    expect(runs).toEqual([`run --plan ${dir}/plan.json --index 1`, `run --plan ${dir}/plan.json --index 3`]);
  });

  describe('--apply and --wait through the client library, against a stand-in API server', () => {
    let server: Server;
    let answer: (req: IncomingMessage, body: string, res: ServerResponse) => void = () => {};
    const requests: { method: string; url: string; body: string }[] = [];
    const send = (res: ServerResponse, code: number, value: unknown): void => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    const kubeconfig = join(tmp, 'kubeconfig');
    const previous = process.env.KUBECONFIG;

    test('a quota refusal is one line with the API server\'s message; an image that does not pull stops --wait in one line', async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => {
          requests.push({ method: req.method ?? '', url: req.url ?? '', body });
          answer(req, body, res);
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as { port: number }).port;
      writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: stand-in\n  cluster:\n    server: http://127.0.0.1:${port}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: c\n  context:\n    cluster: stand-in\n    user: u\ncurrent-context: c\n`);
      process.env.KUBECONFIG = kubeconfig;
      try {
        const quota = 'jobs.batch "rethink-x" is forbidden: exceeded quota: compute-resources, requested: requests.cpu=2, used: requests.cpu=8, limited: requests.cpu=8';
        answer = (_req, _body, res) => send(res, 403, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: quota, reason: 'Forbidden', code: 403 });
        const out1 = join(tmp, 'k8s-quota');
        await refused(['reproduce', ...flags, ...k8sFlags, '--apply', '--out', out1], new RegExp(`^rethink reproduce: error: Kubernetes refused Job rethink-[0-9a-f]{8}-1: ${quota.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(HTTP 403\\)$`));
        const post = requests.find((r) => r.method === 'POST')!;
        expect(post.url).toBe('/apis/batch/v1/namespaces/lab/jobs');
        expect(JSON.parse(post.body)).toMatchObject({ kind: 'Job', spec: { completionMode: 'Indexed', completions: 4 } });
        expect(existsSync(join(out1, 'submissions.json'))).toBe(false);

        answer = (req, body, res) => {
          if (req.method === 'POST') return send(res, 201, JSON.parse(body));
          if (req.url!.includes('/jobs/')) return send(res, 200, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'x' }, status: { active: 1 } });
          return send(res, 200, {
            apiVersion: 'v1',
            kind: 'PodList',
            items: [{ metadata: { name: 'rethink-x-0-abcde', annotations: { 'batch.kubernetes.io/job-completion-index': '0' } }, status: { phase: 'Pending', containerStatuses: [{ name: 'rethink', image: 'nope', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.example.org/rethink:0.1.0"' } } }] } }],
          });
        };
        const out2 = join(tmp, 'k8s-pull');
        await refused(['reproduce', ...flags, ...k8sFlags, '--apply', '--wait', '--out', out2], /^rethink reproduce: error: Kubernetes Job lab\/rethink-[0-9a-f]{8}-1: pod rethink-x-0-abcde \(index 0\) cannot start: ImagePullBackOff — Back-off pulling image "registry\.example\.org\/rethink:0\.1\.0"; fix it and delete the Job/);
        expect(requests.some((r) => r.method === 'GET' && /\/api\/v1\/namespaces\/lab\/pods\?labelSelector=job-name%3Drethink-/.test(r.url))).toBe(true);
      } finally {
        if (previous === undefined) delete process.env.KUBECONFIG;
        else process.env.KUBECONFIG = previous;
        await new Promise((r) => server.close(r));
      }
    });
  });
});

describe('bad input: one line, exit 2, nothing written', () => {
  test('a flag of another executor, bad values, missing requirements', async () => {
    const out = join(tmp, 'never');
    await refused(['reproduce', ...flags, '--partition', 'gpu', '--out', out], /^rethink reproduce: error: --partition is for --executor slurm \(the runs execute here: --executor local\)$/);
    await refused(['reproduce', ...flags, '--executor', 'slurm', '--image', 'x', '--out', out], /--image is for --executor kubernetes \(got --executor slurm\)/);
    await refused(['reproduce', ...flags, '--executor', 'kubernetes', '--image', 'x', '--pvc', 'p', '--gres', 'gpu:1', '--out', out], /--gres is for --executor slurm \(got --executor kubernetes\)/);
    await refused(['reproduce', ...flags, '--executor', 'slurm', '--jobs', '2', '--out', out], /--jobs sets the local pool's workers; with --executor slurm each run is a task of its own: --parallel P/);
    await refused(['reproduce', ...flags, '--executor', 'slurm', '--mem', '8GB', '--out', out], /--mem 8GB: write a whole number and a unit K, M, G or T/);
    await refused(['reproduce', ...flags, '--executor', 'slurm', '--time', '2h', '--out', out], /--time 2h: write minutes, MM:SS, HH:MM:SS/);
    await refused(['reproduce', ...flags, '--executor', 'kubernetes', '--pvc', 'p', '--out', out], /--executor kubernetes needs --image IMAGE/);
    await refused(['reproduce', ...flags, '--executor', 'kubernetes', '--image', 'x', '--out', out], /--executor kubernetes needs --pvc CLAIM/);
    await refused(['reproduce', ...flags, '--executor', 'kubernetes', '--image', 'x', '--pvc', 'p', '--wait', '--out', out], /--wait is for a Job that was submitted: add --apply/);
    await refused(['reproduce', '--only', 'fig1c', '--data', 'cifar10', '--data-dir', tmp, '--executor', 'kubernetes', '--image', 'x', '--pvc', 'p', '--out', join(tmp, 'k8s-data')], /--data-dir .* is outside the results directory .*k8s-data: the pods see only the volume/);
    expect(existsSync(out)).toBe(false);
  });

  test('a plan whose runs would write outside the results directory is refused, by rethink run and by a resubmission', async () => {
    const dir = join(tmp, 'tampered');
    expect((await cli(['reproduce', ...flags, '--plan-only', '--out', dir])).code).toBe(0);
    const file = join(dir, 'plan.json');
    const plan = JSON.parse(readFileSync(file, 'utf8')) as { runs: { dir: string }[] };
    for (const bad of ['../../escape', '/tmp/escape', 'runs/..', 'runs/a/../../../x']) {
      plan.runs[2]!.dir = bad;
      writeFileSync(file, JSON.stringify(plan));
      const message = new RegExp(`plan\\.json: run 2 writes to '${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}', outside the results directory's runs/ folder; the plan was edited or damaged`);
      await refused(['run', '--plan', file, '--index', '2'], message);
      await refused(['reproduce', ...flags, '--executor', 'slurm', '--resume', '--out', dir], message);
    }
    expect(existsSync(join(dir, 'slurm'))).toBe(false);
  });
});
