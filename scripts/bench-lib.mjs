// Helpers for scripts/bench.mjs: timing a child process with its peak RSS, reading blobs out of an OCI-archive
// tar, small statistics and a plain-text table. Plain Node (no dependencies) so the benchmark runs on a bare checkout.
import { Buffer } from 'node:buffer';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { clearInterval, setInterval } from 'node:timers';

/** Children still running, so that a Ctrl-C can end them (and only them) before the temp dir is removed. */
const runningChildren = new Set();

/** End the process groups of the children we started (each runs in its own group: see measure()). */
export function stopChildren(signal = 'SIGTERM') {
  for (const child of runningChildren) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * How peak RSS is measured. GNU time reports the child's ru_maxrss exactly and costs ~1 ms, so it is preferred;
 * polling /proc/<pid>/status VmHWM every 10 ms is the fallback (it can miss a peak in the last few ms of a run).
 */
export function detectRssMethod() {
  try {
    const version = execFileSync('/usr/bin/time', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (/GNU/.test(version)) return 'gnu-time';
  } catch (err) {
    // GNU time prints --version on stderr in some builds; a BSD/busybox time rejects the flag.
    if (/GNU/.test(String(err.stderr ?? '')) || /GNU/.test(String(err.stdout ?? ''))) return 'gnu-time';
  }
  return existsSync('/proc/self/status') ? 'proc-poll' : 'none';
}

/**
 * Run one command and measure it.
 * Wall time is taken in-process (hrtime, from spawn to exit) for sub-10 ms resolution; RSS comes from `rssMethod`.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ rssMethod: string, rssFile: string, env?: NodeJS.ProcessEnv, captureStdout?: boolean }} opts
 *   captureStdout=false sends stdout to /dev/null, as `> /dev/null` would (the measured runs never keep output).
 * @returns {Promise<{ wallS: number, rssMiB: number | null, code: number | null, signal: string | null,
 *   stdout: string, stderr: string }>}
 */
export function measure(cmd, args, opts) {
  const viaTime = opts.rssMethod === 'gnu-time';
  const file = viaTime ? '/usr/bin/time' : cmd;
  const argv = viaTime ? ['-f', '%M', '-o', opts.rssFile, cmd, ...args] : args;
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, {
      env: opts.env ?? process.env,
      stdio: ['ignore', opts.captureStdout ? 'pipe' : 'ignore', 'pipe'],
      // Own process group, so stopChildren() also reaches what /usr/bin/time or the trivy wrapper started.
      detached: true,
    });
    runningChildren.add(child);
    let wallS = 0;
    let polledKiB = 0;
    const stdoutChunks = [];
    let stderr = '';
    child.stdout?.on('data', (chunk) => stdoutChunks.push(chunk));
    // Keep only the tail of stderr: enough for an error message, bounded for chatty tools.
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-8192);
    });
    const poller =
      opts.rssMethod === 'proc-poll'
        ? setInterval(() => {
            polledKiB = Math.max(polledKiB, readVmHwmKiB(child.pid));
          }, 10)
        : null;
    child.on('error', (err) => {
      if (poller) clearInterval(poller);
      runningChildren.delete(child);
      reject(err);
    });
    child.on('exit', () => {
      wallS = Number(process.hrtime.bigint() - started) / 1e9;
      if (poller) clearInterval(poller);
    });
    child.on('close', (code, signal) => {
      runningChildren.delete(child);
      let rssKiB = polledKiB || null;
      if (viaTime) {
        // GNU time writes "Command exited with non-zero status N" before the format line when the child fails.
        const lines = existsSync(opts.rssFile) ? readFileSync(opts.rssFile, 'utf8').trim().split('\n') : [];
        const kib = Number(lines.at(-1));
        rssKiB = Number.isFinite(kib) && kib > 0 ? kib : null;
        rmSync(opts.rssFile, { force: true });
      }
      resolvePromise({
        wallS,
        rssMiB: rssKiB === null ? null : rssKiB / 1024,
        code,
        signal,
        stdout: Buffer.concat(stdoutChunks).toString('utf8'),
        stderr,
      });
    });
  });
}

function readVmHwmKiB(pid) {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // the process is gone or a zombie
  }
}

/** Run a command for its stdout; throws with the command's stderr on failure. */
function run(cmd, args, encoding) {
  return execFileSync(cmd, args, { encoding, maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * The layers of the (single) image in an OCI-archive tar, found the way the spec says: index.json → manifest →
 * layers[]. Uses the system tar, as the baseline is meant to cost nothing of ours.
 * @returns {{ manifestDigest: string, layers: { digest: string, size: number, member: string }[] }}
 */
export function ociArchiveLayers(archive) {
  const members = run('tar', ['-tf', archive], 'utf8').split('\n').filter(Boolean);
  const member = (path) => {
    const found = members.find((m) => m === path || m === `./${path}`);
    if (!found) throw new Error(`${archive}: no ${path} in the tar (not an OCI archive?)`);
    return found;
  };
  const blobMember = (digest) => {
    const [alg, hex] = String(digest).split(':');
    return member(`blobs/${alg}/${hex}`);
  };
  const index = JSON.parse(run('tar', ['-xOf', archive, member('index.json')], 'utf8'));
  const desc = index.manifests?.[0];
  if (!desc) throw new Error(`${archive}: index.json lists no manifest`);
  const manifest = JSON.parse(run('tar', ['-xOf', archive, blobMember(desc.digest)], 'utf8'));
  if (!Array.isArray(manifest.layers)) throw new Error(`${archive}: ${desc.digest} is not an image manifest`);
  return {
    manifestDigest: desc.digest,
    layers: manifest.layers.map((l) => ({ digest: l.digest, size: l.size, member: blobMember(l.digest) })),
  };
}

/** `tar -xOf archive member > dest`, then check the file against its digest (a wrong baseline is worse than none). */
export async function extractBlob(archive, member, digest, dest) {
  const fd = openSync(dest, 'w');
  try {
    await new Promise((resolvePromise, reject) => {
      const child = spawn('tar', ['-xOf', archive, member], { stdio: ['ignore', fd, 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c) => {
        stderr += c;
      });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`tar -xOf ${archive} ${member}: exit ${code}: ${stderr.trim()}`))));
    });
  } finally {
    closeSync(fd);
  }
  const actual = `sha256:${await sha256File(dest)}`;
  if (actual !== digest) throw new Error(`${member} extracted from ${archive} has digest ${actual}, expected ${digest}`);
}

export async function sha256File(path) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Rotate a list by k: repetition k starts with a different tool, so no tool always runs first (or last). */
export function rotate(list, k) {
  const n = k % list.length;
  return [...list.slice(n), ...list.slice(0, n)];
}

/**
 * A plain-text table. columns: { title, align: 'left'|'right' }[]; rows: string[][].
 */
export function formatTable(columns, rows) {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => r[i].length)));
  const cell = (text, i) => (columns[i].align === 'right' ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const line = (cells) => cells.map(cell).join('  ').trimEnd();
  return [line(columns.map((c) => c.title)), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
