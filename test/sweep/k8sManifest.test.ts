import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { V1Job } from "@kubernetes/client-node";
// The package's main entry needs Node 22 (undici); its generated models load on Node 20.
import { ObjectSerializer } from "@kubernetes/client-node/dist/gen/models/ObjectSerializer.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { getExperiment } from "../../src/experiments/registry.js";
import { K8S_SWEEP_MOUNT, k8sJob, k8sJobYaml, writeK8sJob } from "../../src/sweep/k8sManifest.js";
import { EXIT_INTERRUPTED } from "../../src/sweep/signalCheckpoint.js";
import { createSweepManifest } from "../../src/sweep/sweepManifest.js";
import { SparsekitError } from "../../src/validation/SparsekitError.js";
import { runCliForTest } from "../cli/runCliForTest.js";
import { tempDir } from "./sweepTestHelpers.js";

describe("k8s manifest", () => {
  const manifest = createSweepManifest(getExperiment("sphere-lambda"), { quick: true, backend: "cpu" });
  const options = { backend: "cpu", image: "registry.example/sparsekit:0.1.0", pvc: "sweeps", parallelism: 4, backoffLimit: 3 };

  it("is a batch/v1 Indexed Job: one completion per trial, each pod runs run-trial on its index with the sweep on the PVC", () => {
    const job = parse(k8sJobYaml(manifest, options)) as V1Job;
    expect(job.apiVersion).toBe("batch/v1");
    expect(job.kind).toBe("Job");
    expect(job.metadata?.name).toMatch(/^sparsekit-sphere-lambda-[0-9a-f]{8}$/);
    const spec = job.spec!;
    expect(spec.completionMode).toBe("Indexed");
    expect(spec.completions).toBe(6);
    expect(spec.parallelism).toBe(4);
    expect(spec.backoffLimit).toBe(3);
    expect(spec.podFailurePolicy?.rules[0]).toEqual({ action: "Ignore", onExitCodes: { containerName: "trial", operator: "In", values: [EXIT_INTERRUPTED] } });
    const pod = spec.template.spec!;
    expect(pod.restartPolicy).toBe("Never");
    const c = pod.containers[0];
    expect(c.image).toBe(options.image);
    expect([...(c.command ?? []), ...(c.args ?? [])].join(" ")).toBe(
      `/bin/sh -c exec sparsekit --backend cpu sweep run-trial ${K8S_SWEEP_MOUNT} "$JOB_COMPLETION_INDEX"`,
    );
    expect(c.volumeMounts).toEqual([{ name: "sweep", mountPath: "/sweep" }]);
    expect(pod.volumes).toEqual([{ name: "sweep", persistentVolumeClaim: { claimName: "sweeps" } }]);
    expect((pod.terminationGracePeriodSeconds ?? 0) > Number(c.env?.find((e) => e.name === "SPARSEKIT_SIGNAL_GRACE_SECONDS")?.value)).toBe(true);
  });

  it("holds only fields the official client's V1Job model knows (a round trip through its serializer keeps everything)", () => {
    const job = parse(k8sJobYaml(manifest, options));
    const typed: V1Job = ObjectSerializer.deserialize(job, "V1Job", "");
    expect(ObjectSerializer.serialize(typed, "V1Job", "")).toEqual(job);
    expect(parse(k8sJobYaml(manifest, options))).toEqual(k8sJob(manifest, options));
  });

  it("sparsekit sweep --executor k8s writes DIR/k8s/job.yaml and says how to apply it without kubectl", async () => {
    const dir = tempDir("k8s");
    const r = await runCliForTest(["--backend", "cpu", "sweep", "sphere-lambda", "--quick", "--executor", "k8s", "--out", dir, "--pvc", "sweeps", "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/job\.yaml \(6 indexed completions\)/);
    expect(r.out).toMatch(/kubectl apply -f/);
    const job = parse(readFileSync(`${dir}/k8s/job.yaml`, "utf8")) as V1Job;
    expect(job.spec?.template.spec?.volumes?.[0].persistentVolumeClaim?.claimName).toBe("sweeps");
    const w = await writeK8sJob(dir, manifest, { ...options, dryRun: true });
    expect(w.applied).toBe(false);
  });

  it("a kubectl that reaches no cluster is an error naming it, with the manifest written and how to apply it (no stack trace)", async () => {
    const bin = tempDir("fake-kubectl");
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "kubectl"), '#!/bin/sh\necho "error: dial tcp 127.0.0.1:8080: connect: connection refused" >&2\nexit 1\n');
    chmodSync(join(bin, "kubectl"), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      const dir = tempDir("k8s-down");
      await expect(writeK8sJob(dir, manifest, options)).rejects.toThrow(SparsekitError);
      const r = await runCliForTest(["--backend", "cpu", "sweep", "sphere-lambda", "--quick", "--executor", "k8s", "--out", dir]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^sparsekit: error: kubectl apply -f .*job\.yaml failed: error: dial tcp .* connection refused/);
      expect(r.err).toMatch(/The Job manifest is written\. Copy .* then: kubectl apply -f/);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(existsSync(join(dir, "k8s", "job.yaml"))).toBe(true);
    } finally {
      process.env.PATH = path;
    }
  });
});
