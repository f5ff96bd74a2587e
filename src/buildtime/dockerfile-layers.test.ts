import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedAbsent, sharedPath } from '../test-support/shared.js';
import { skipWhen } from '../test-support/skip.js';
import { dockerfileLayers } from './dockerfile-layers.js';

describe('dockerfileLayers', () => {
  it('pairs build layers with the final stage RUN/COPY/ADD instructions, through FROM <stage> chains', () => {
    const content =
      'FROM debian:12 AS base\nRUN apt-get update\nFROM golang AS build\nRUN go build\nFROM base\nCOPY --from=build /out /app\nRUN useradd app \\\n  && chown app /app\n';
    const result = dockerfileLayers(content, ['RUN apt-get update', 'COPY /out /app', 'RUN useradd app && chown app /app']);
    expect(result.from).toEqual({ startLine: 1, endLine: 1, instruction: 'FROM debian:12 AS base' });
    expect(result.layers.map((l) => [l?.startLine, l?.endLine])).toEqual([
      [2, 2],
      [6, 6],
      [7, 8],
    ]);
  });

  it('matches by text when the counts differ, and leaves unknown layers undefined', () => {
    const content = 'FROM alpine\nRUN apk add curl\nCOPY a /a\nRUN echo hi\n';
    const result = dockerfileLayers(content, ['/bin/sh -c echo hi', '/bin/sh -c #(nop) COPY file:abc in /a ']);
    expect(result.layers.map((l) => l?.startLine)).toEqual([4, 3]);
    expect(dockerfileLayers(content, ['/bin/sh -c make']).layers).toEqual([undefined]);
  });

  it('follows the stage chain of the project parse: a FROM naming a stage through a global ARG', () => {
    const content =
      'ARG STAGE=base\nFROM debian:12 AS base\nRUN apt-get update\nFROM ${STAGE}\nRUN --mount=type=cache,target=/var/cache/apt apt-get install -y \\\n    curl\n';
    const result = dockerfileLayers(content, ['RUN apt-get update', 'RUN apt-get install -y curl']);
    expect(result.from).toEqual({ startLine: 2, endLine: 2, instruction: 'FROM debian:12 AS base' });
    expect(result.layers).toEqual([
      { startLine: 3, endLine: 3, instruction: 'RUN apt-get update' },
      { startLine: 5, endLine: 6, instruction: 'RUN apt-get install -y curl' },
    ]);
  });

  it('ties the real bullseye-app layers to its recipe Dockerfile', skipWhen(sharedAbsent), () => {
    const content = readFileSync(sharedPath('images', 'recipes', 'bullseye-app', 'Dockerfile'), 'utf8');
    const expected = JSON.parse(readFileSync(sharedPath('images', 'bullseye-app.expected.json'), 'utf8')) as { layers: { created_by: string }[] };
    const result = dockerfileLayers(
      content,
      expected.layers.slice(1).map((l) => l.created_by),
    );
    expect(result.from?.startLine).toBe(7);
    expect(result.layers.map((l) => l?.startLine)).toEqual([10, 15, 18, 21]);
  });
});
