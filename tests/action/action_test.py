#!/usr/bin/env python3
"""The GitHub Action of action.yml, run without GitHub.

action.yml is read with PyYAML and checked for wiring: every input reaches the step's env as
INPUT_<NAME> (uppercase, - as _) and the script reads it, no ${{ }} expression is expanded into
a run: script (an input could inject shell code there), and every output is a step output the
script writes. Then its steps run as the runner runs a composite action's: expressions
substituted (inputs, with action.yml's defaults for those not given, and github.action_path),
the step's env set, GITHUB_ACTION_PATH, GITHUB_WORKSPACE, and a fresh GITHUB_OUTPUT and
GITHUB_STEP_SUMMARY file per step, the script run by `bash --noprofile --norc -eo pipefail
FILE` in the workspace; then the action's outputs: are resolved from the step outputs written.

The files' exact contents are compared with what is expected from values found without the
action's script: the PCRs that `eifkit build` prints when run directly with the same flags
(and the README's, nitro-cli's PCR2, PCR8 from the certificate by hashlib), the EIF's SHA-384
by hashlib, the image digest and name from the image archive's manifest and config.

Cases: an unsigned build from a blob directory; a signed build from single boot files into a
new directory; a --compat nitro-cli build with no build-time, in a git checkout, with eifkit
found on PATH (the build time is then the commit's, and the EIF is byte for byte the direct
build's with that SOURCE_DATE_EPOCH); a build that warns (parents a layer leaves out), whose
warning becomes a ::warning:: annotation; a build signed with a key in a SoftHSM token through
a pkcs11: URI, whose PIN appears nowhere; and two failures (a missing image, no image input),
which exit non-zero with an ::error:: line and write no output.

  action_test.py --eifkit EIFKIT --source SOURCE_DIR --vectors VECTORS_DIR
"""
import argparse
import base64
import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
PKCS11_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
failures = []


WORKFLOW_REF = "example/app/.github/workflows/eif.yml@refs/heads/main"


def check(ok, what):
    if not ok:
        failures.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


def check_eq(actual, expected, what):
    if actual == expected:
        return
    if isinstance(actual, str) and isinstance(expected, str):
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            "expected", "actual"))
        check(False, f"{what}:\n{diff}")
    else:
        check(False, f"{what}: expected {expected!r}, got {actual!r}")


def input_variable(name):
    return "INPUT_" + name.upper().replace("-", "_")


def check_wiring(action, script):
    check_eq(action.get("runs", {}).get("using"), "composite", "runs.using")
    steps = action["runs"]["steps"]
    inputs = action["inputs"]
    check(inputs["image"].get("required") is True, "the image input is required")
    mapped = {}
    for step in steps:
        unknown = set(step) - {"id", "name", "shell", "run", "env"}
        check(not unknown, f"step keys this emulation does not run: {sorted(unknown)}")
        check("run" in step and step.get("shell") == "bash", "every step is a bash run: step")
        check(not EXPRESSION.search(step.get("run", "")),
              f"no expression is expanded into a run: script: {step.get('run')!r}")
        for key, value in (step.get("env") or {}).items():
            for expr in EXPRESSION.findall(str(value)):
                m = re.fullmatch(r"inputs\.([A-Za-z0-9_-]+)", expr)
                check(m is not None and m.group(1) in inputs, f"env {key}: unknown expression {expr}")
                if m:
                    mapped[m.group(1)] = key
    for name in inputs:
        check_eq(mapped.get(name), input_variable(name), f"input {name} mapped into the step's env")
        check(re.search(r"\b" + input_variable(name) + r"\b", script) is not None,
              f"the script reads {input_variable(name)}")
    step_ids = {s.get("id") for s in steps}
    for name, output in action["outputs"].items():
        m = re.fullmatch(r"\$\{\{\s*steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\s*\}\}",
                         str(output.get("value")))
        check(m is not None and m.group(1) in step_ids and m.group(2) == name,
              f"output {name} is the step output {name}: {output.get('value')!r}")
        check(f'echo "{name}=' in script, f"the script writes the output {name}")


def read_step_outputs(path):
    """GITHUB_OUTPUT's two forms, as the runner reads them: NAME=VALUE and NAME<<DELIMITER."""
    outputs = {}
    lines = open(path).read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value = []
            while lines[i] != delimiter:
                value.append(lines[i])
                i += 1
            i += 1
            outputs[name] = "\n".join(value)
        else:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


def run_action(action, source, workspace, inputs, env_extra=None, path_dirs=()):
    """The steps of a composite action, as the runner runs them. Returns the exit status of the
    last step run, its stdout and stderr, GITHUB_OUTPUT's and GITHUB_STEP_SUMMARY's contents
    over all steps, and the action's outputs."""
    values = {name: str(inputs.get(name, spec.get("default", "")))
              for name, spec in action["inputs"].items()}
    unknown = set(inputs) - set(values)
    assert not unknown, f"inputs action.yml does not declare: {unknown}"
    step_outputs = {}

    def substitute(text):
        def one(m):
            expr = m.group(1)
            if expr.startswith("inputs."):
                return values[expr[len("inputs."):]]
            if expr == "github.action_path":
                return source
            m2 = re.fullmatch(r"steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)", expr)
            if m2:
                return step_outputs.get(m2.group(1), {}).get(m2.group(2), "")
            raise AssertionError(f"expression this emulation does not know: {expr}")
        return EXPRESSION.sub(one, str(text))

    runner = tempfile.mkdtemp(prefix="runner-")
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("GITHUB_", "INPUT_", "EIFKIT_", "SOURCE_DATE_EPOCH"))}
    base["PATH"] = os.pathsep.join(list(path_dirs) + ["/usr/local/bin", "/usr/bin", "/bin"])
    # The workspace may be inside a checkout of eifkit itself: git must not look above it.
    base["GIT_CEILING_DIRECTORIES"] = os.path.dirname(workspace)
    base.update(env_extra or {})
    output_text, summary_text, status, stdout, stderr = "", "", 0, "", ""
    try:
        for n, step in enumerate(action["runs"]["steps"]):
            script = os.path.join(runner, f"step{n}.sh")
            with open(script, "w") as f:
                f.write(substitute(step["run"]))
            out_file = os.path.join(runner, f"output{n}")
            summary_file = os.path.join(runner, f"summary{n}")
            open(out_file, "w").close()
            open(summary_file, "w").close()
            env = dict(base)
            env.update({k: substitute(v) for k, v in (step.get("env") or {}).items()})
            env.update(GITHUB_ACTION_PATH=source, GITHUB_WORKSPACE=workspace,
                       GITHUB_OUTPUT=out_file, GITHUB_STEP_SUMMARY=summary_file)
            r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                               cwd=workspace, env=env, capture_output=True, text=True)
            status, stdout, stderr = r.returncode, stdout + r.stdout, stderr + r.stderr
            output_text += open(out_file).read()
            summary_text += open(summary_file).read()
            if "id" in step:
                step_outputs[step["id"]] = read_step_outputs(out_file)
            if status != 0:
                break
        outputs = {name: substitute(spec["value"]) for name, spec in action["outputs"].items()}
    finally:
        shutil.rmtree(runner)
    return status, stdout, stderr, output_text, summary_text, outputs


def eifkit_direct(eifkit, args, cwd, env_extra=None):
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update(env_extra or {})
    r = subprocess.run([eifkit, "build"] + args, cwd=cwd, env=env, capture_output=True, text=True)
    assert r.returncode == 0, f"eifkit build {args}: {r.stderr}"
    return json.loads(r.stdout)["Measurements"]


def sha384_file(path):
    h = hashlib.sha384()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def image_facts(path):
    """Digest (the image ID), name and version of a docker save archive, as nitro-cli names
    them: from manifest.json and the config's bytes."""
    with tarfile.open(path) as t:
        manifest = json.load(t.extractfile(t.getmember(
            next(n for n in t.getnames() if n.lstrip("./") == "manifest.json"))))[0]
        config = t.extractfile(next(m for m in t.getmembers()
                                    if m.name.lstrip("./") == manifest["Config"])).read()
    image_id = hashlib.sha256(config).hexdigest()
    name = manifest["RepoTags"][0].rsplit(":", 1)[0]
    return "sha256:" + image_id, name, image_id


def pcr8_of(cert_pem):
    body = re.search(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----",
                     open(cert_pem).read(), re.S).group(1)
    der = base64.b64decode("".join(body.split()))
    return hashlib.sha384(b"\0" * 48 + hashlib.sha384(der).digest()).hexdigest()


def expected_files(pcrs, eif_path, record_path, eif_sha384, digest, name, version, layout,
                   build_time, tool, provenance="", builder=""):
    pcr8 = pcrs.get("PCR8", "")
    output = (f"pcr0={pcrs['PCR0']}\npcr1={pcrs['PCR1']}\npcr2={pcrs['PCR2']}\npcr8={pcr8}\n"
              f"eif-path={eif_path}\neif-sha384={eif_sha384}\nrecord-path={record_path}\n"
              + (f"provenance-path={provenance}\n" if provenance else ""))
    summary = (f"### Enclave image `{eif_path}`\n\n| | Value |\n| --- | --- |\n"
               f"| PCR0 | `{pcrs['PCR0']}` |\n| PCR1 | `{pcrs['PCR1']}` |\n"
               f"| PCR2 | `{pcrs['PCR2']}` |\n"
               + (f"| PCR8 | `{pcr8}` |\n" if pcr8 else "")
               + f"| EIF file | `{eif_sha384}` |\n| Image digest | `{digest}` |\n\n"
               f"Image `{name}` version `{version}`, layout {layout}, build time `{build_time}`, "
               f"{tool}.\n\n"
               + (f"Signed SLSA provenance: `{provenance}`, builder `{builder}`.\n\n"
                  if provenance else ""))
    outputs = {"pcr0": pcrs["PCR0"], "pcr1": pcrs["PCR1"], "pcr2": pcrs["PCR2"], "pcr8": pcr8,
               "eif-path": eif_path, "eif-sha384": eif_sha384, "record-path": record_path,
               "provenance-path": provenance}
    return output, summary, outputs


def check_run(case, result, expected, workspace):
    status, stdout, stderr, output, summary, outputs = result
    check_eq(status, 0, f"{case}: exit status (stdout {stdout!r}, stderr {stderr!r})")
    check("::error::" not in stdout + stderr, f"{case}: no ::error:: line")
    check_eq(output, expected[0], f"{case}: GITHUB_OUTPUT")
    check_eq(summary, expected[1], f"{case}: GITHUB_STEP_SUMMARY")
    check_eq(outputs, expected[2], f"{case}: the action's outputs")
    if status == 0:
        record = json.load(open(os.path.join(workspace, expected[2]["record-path"])))
        check_eq(record["Eif"]["Sha384"], expected[2]["eif-sha384"], f"{case}: the record's EIF")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--eifkit", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--vectors", required=True)
    a = ap.parse_args()
    eifkit, source, vectors = (os.path.abspath(p) for p in (a.eifkit, a.source, a.vectors))
    action = yaml.safe_load(open(os.path.join(source, "action.yml")))
    script = open(os.path.join(source, "action", "build-eif.sh")).read()
    check_wiring(action, script)

    version = subprocess.run([eifkit, "--version"], capture_output=True, text=True,
                             check=True).stdout.split("\n")[0]
    m = re.match(r"eifkit (\S+)", version)
    assert m, f"eifkit --version: {version!r}"
    tool = f"eifkit {m.group(1)}"
    sample = os.path.join(source, "testdata", "sample-image.tar")
    hardlinks = os.path.join(source, "testdata", "nitro-cli", "e-hardlinks")
    kernel = os.path.join(vectors, "eif", "inputs", "kernel.bin")
    init = os.path.join(vectors, "ramdisk", "init.bin")
    nsm = os.path.join(vectors, "ramdisk", "nsm.ko.bin")
    when = "2024-01-01T00:00:00+00:00"
    top = tempfile.mkdtemp(prefix="eifkit-action-")
    try:
        def workspace(name):
            w = os.path.join(top, name)
            os.makedirs(os.path.join(w, "blobs"))
            for src, dst in ((kernel, "bzImage"), (init, "init"), (nsm, "nsm.ko")):
                shutil.copy(src, os.path.join(w, "blobs", dst))
            return w

        # Unsigned, from a blob directory, the defaults' paths; PCRs as the README prints them.
        w = workspace("unsigned")
        dotenv = os.path.join(top, "unsigned.env")
        result = run_action(action, source, w, {"image": sample, "blobs": "blobs",
                                                "build-time": when, "eifkit": eifkit},
                            env_extra={"EIFKIT_DOTENV": dotenv})
        pcrs = eifkit_direct(eifkit, ["--image", sample, "--blobs", "blobs", "--build-time", when,
                                      "--output", "direct.eif"], w)
        check_eq(pcrs["PCR0"], "8cc7b7b6cecbe8020f649f857beeb74ed0f1756d42c64983d5788738a43d9cf5"
                 "aa5b162a0497888782f1eda6ccccbb0a", "unsigned: PCR0 as the README shows it")
        eif_sha = sha384_file(os.path.join(w, "enclave.eif"))
        check_eq(eif_sha, sha384_file(os.path.join(w, "direct.eif")),
                 "unsigned: the action's EIF is the direct build's")
        digest, name, image_id = image_facts(sample)
        expected = expected_files(pcrs, "enclave.eif", "enclave.json", eif_sha, digest, name,
                                  image_id, "eifkit", when, tool)
        check_run("unsigned", result, expected, w)
        check_eq(open(dotenv).read() if os.path.exists(dotenv) else None,
                 f"PCR0={pcrs['PCR0']}\nPCR1={pcrs['PCR1']}\nPCR2={pcrs['PCR2']}\n"
                 f"EIF_PATH=enclave.eif\nEIF_SHA384={eif_sha}\nRECORD_PATH=enclave.json\n",
                 "unsigned: EIFKIT_DOTENV")

        # Signed with a PEM key, single boot files, outputs into a directory not yet made.
        w = workspace("signed")
        subprocess.run([eifkit, "keygen", "--private-key", "signer.key", "--signing-certificate",
                        "signer.pem"], cwd=w, check=True, capture_output=True)
        boot = {"kernel": kernel, "init": init, "nsm": nsm}
        result = run_action(action, source, w, dict(
            boot, image=sample, eifkit=eifkit, **{"build-time": when},
            **{"signing-certificate": "signer.pem", "private-key": "signer.key"},
            output="out/app.eif", record="records/app.json", name="app", version="1.2.3",
            provenance="out/app.slsa.dsse.json"),
            env_extra={"GITHUB_SERVER_URL": "https://github.com",
                       "GITHUB_WORKFLOW_REF": WORKFLOW_REF})
        pcrs = eifkit_direct(eifkit, ["--image", sample, "--kernel", kernel, "--init", init,
                                      "--nsm", nsm, "--build-time", when,
                                      "--signing-certificate", "signer.pem",
                                      "--private-key", "signer.key", "--output", "direct.eif"], w)
        check_eq(pcrs.get("PCR8"), pcr8_of(os.path.join(w, "signer.pem")),
                 "signed: PCR8 from the certificate")
        expected = expected_files(pcrs, "out/app.eif", "records/app.json",
                                  sha384_file(os.path.join(w, "out", "app.eif")) if
                                  os.path.exists(os.path.join(w, "out", "app.eif")) else "",
                                  digest, "app", "1.2.3", "eifkit", when, tool,
                                  "out/app.slsa.dsse.json", "https://github.com/" + WORKFLOW_REF)
        check_run("signed", result, expected, w)
        # The provenance verifies, names the workflow as its builder and vouches for the PCRs.
        envelope = os.path.join(w, "out", "app.slsa.dsse.json")
        v = subprocess.run([eifkit, "provenance", "verify", envelope, "--signing-certificate",
                            "signer.pem", "--eif", "out/app.eif"], cwd=w, capture_output=True,
                           text=True)
        check_eq(v.returncode, 0, f"signed: provenance verify ({v.stderr!r})")
        if v.returncode == 0:
            check_eq(json.loads(v.stdout)["Measurements"], dict(pcrs),
                     "signed: the PCRs the provenance vouches for")
            statement = json.loads(base64.b64decode(json.load(open(envelope))["payload"]))
            check_eq(statement["predicate"]["runDetails"]["builder"]["id"],
                     "https://github.com/" + WORKFLOW_REF, "signed: the provenance's builder")
        check("(private-key input)" in result[1] and "signer.key" not in result[1],
              "signed: the command shown leaves the private key out")

        # nitro-cli's layout, no build-time in a git checkout, eifkit found on PATH.
        w = workspace("compat")
        bin_dir = os.path.join(top, "bin")
        os.makedirs(bin_dir)
        os.symlink(eifkit, os.path.join(bin_dir, "eifkit"))
        git_env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
                       GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com",
                       GIT_AUTHOR_DATE="@1715000000 +0200", GIT_COMMITTER_DATE="@1715000000 +0200",
                       GIT_CEILING_DIRECTORIES=top)
        for cmd in (["init", "-q"], ["add", "blobs"], ["commit", "-q", "-m", "app"]):
            subprocess.run(["git"] + cmd, cwd=w, env=git_env, check=True)
        image = os.path.join(hardlinks, "image.tar")
        result = run_action(action, source, w, {"image": image, "blobs": "blobs",
                                                "compat": "nitro-cli"}, path_dirs=[bin_dir])
        pcrs = eifkit_direct(eifkit, ["--image", image, "--blobs", "blobs", "--compat",
                                      "nitro-cli", "--output", "direct.eif"], w,
                             {"SOURCE_DATE_EPOCH": "1715000000"})
        check_eq(pcrs["PCR2"], open(os.path.join(hardlinks, "pcr2")).read().strip(),
                 "compat: PCR2 is nitro-cli's")
        eif_sha = sha384_file(os.path.join(w, "direct.eif"))
        digest, name, image_id = image_facts(image)
        expected = expected_files(pcrs, "enclave.eif", "enclave.json", eif_sha, digest, name,
                                  image_id, "nitro-cli", "2024-05-06T12:53:20+00:00", tool)
        check_run("compat", result, expected, w)
        check("SOURCE_DATE_EPOCH=1715000000" in result[1],
              "compat: the log says the build time is the commit's")

        # eifkit's warnings become warning annotations, and the build still succeeds.
        w = workspace("warning")
        image = os.path.join(source, "testdata", "nitro-cli", "k-implicit-parents", "image.tar")
        inputs = {"image": image, "blobs": "blobs", "compat": "nitro-cli", "build-time": when,
                  "eifkit": eifkit}
        result = run_action(action, source, w, inputs)
        pcrs = eifkit_direct(eifkit, ["--image", image, "--blobs", "blobs", "--compat",
                                      "nitro-cli", "--build-time", when, "--output", "direct.eif"], w)
        eif_sha = sha384_file(os.path.join(w, "direct.eif"))
        digest, name, image_id = image_facts(image)
        check_run("warning", result, expected_files(
            pcrs, "enclave.eif", "enclave.json", eif_sha, digest, name, image_id, "nitro-cli",
            when, tool), w)
        check(re.search(r"^::warning::eifkit: warning: .*image\.tar: .* leaves out 4 parent "
                        r"directories \(p, p/q, x, x/y\): .*$", result[1], re.M) is not None,
              f"warning: eifkit's warning is a warning annotation: {result[1]!r}")
        check("eifkit: warning:" not in result[2], "warning: and not a plain line on stderr")

        # A key in a SoftHSM token, named by a pkcs11: URI holding its PIN.
        w = workspace("pkcs11")
        pin = "Pin-4711-secret"
        open(os.path.join(w, "softhsm2.conf"), "w").write(
            f"directories.tokendir = {w}/tokens\nobjectstore.backend = file\n")
        os.makedirs(os.path.join(w, "tokens"))
        hsm = {"SOFTHSM2_CONF": os.path.join(w, "softhsm2.conf")}
        subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "enclave",
                        "--so-pin", "0000", "--pin", pin], cwd=w, check=True,
                       capture_output=True, env=dict(os.environ, **hsm))
        uri = f"pkcs11:token=enclave;object=signer?pin-value={pin}"
        subprocess.run([eifkit, "keygen", "--private-key", uri, "--signing-certificate", "hsm.pem",
                        "--generate-in-token", "--pkcs11-module", PKCS11_MODULE], cwd=w,
                       check=True, capture_output=True, env=dict(os.environ, **hsm))
        result = run_action(action, source, w, {
            "image": sample, "blobs": "blobs", "build-time": when, "eifkit": eifkit,
            "signing-certificate": "hsm.pem", "private-key": uri, "pkcs11-module": PKCS11_MODULE},
            env_extra=hsm)
        pcrs = eifkit_direct(eifkit, ["--image", sample, "--blobs", "blobs", "--build-time", when,
                                      "--output", "direct.eif"], w)
        pcrs["PCR8"] = pcr8_of(os.path.join(w, "hsm.pem"))
        eif = os.path.join(w, "enclave.eif")
        digest, name, image_id = image_facts(sample)
        expected = expected_files(pcrs, "enclave.eif", "enclave.json",
                                  sha384_file(eif) if os.path.exists(eif) else "", digest, name,
                                  image_id, "eifkit", when, tool)
        check_run("pkcs11", result, expected, w)
        check(all(pin not in text for text in result[1:5]), "pkcs11: the PIN is shown nowhere")

        # Failures: nothing is written, the log has the ::error:: annotation.
        for case, inputs, message in (
                ("missing image", {"image": "missing.tar", "blobs": "blobs", "eifkit": eifkit},
                 r"::error::eifkit build failed \(exit status 2\): eifkit: missing\.tar: .+"),
                ("no image", {"image": "", "eifkit": eifkit},
                 r"::error::eifkit action: the image input is required"),
                ("unsigned provenance", {"image": sample, "blobs": "blobs", "eifkit": eifkit,
                                         "provenance": "app.dsse.json"},
                 r"::error::eifkit action: the provenance input needs signing-certificate and "
                 r"private-key, which sign it")):
            w = workspace(case.replace(" ", "-"))
            dotenv = os.path.join(top, "failed.env")
            status, stdout, stderr, output, summary, outputs = run_action(
                action, source, w, inputs, env_extra={"EIFKIT_DOTENV": dotenv})
            check(status != 0, f"{case}: exits non-zero")
            check(re.search("^" + message + "$", stdout, re.M) is not None,
                  f"{case}: stdout has a line {message!r}: {stdout!r}")
            check_eq((output, summary), ("", ""), f"{case}: GITHUB_OUTPUT and GITHUB_STEP_SUMMARY")
            check_eq(set(outputs.values()), {""}, f"{case}: the action's outputs are empty")
            check_eq(sorted(os.listdir(w)), ["blobs"], f"{case}: no file written")
            check(not os.path.exists(dotenv), f"{case}: no EIFKIT_DOTENV")
    finally:
        shutil.rmtree(top)
    if failures:
        sys.exit(f"{len(failures)} check(s) failed")
    print("action: every check passed")


if __name__ == "__main__":
    main()
