#!/usr/bin/env python3
"""PCR2 of `eifkit build --image IMAGE`, computed without eifkit's code.

The application ramdisk is written here, in Python, as a cpio "newc" archive from
  - the entry list `eifkit ls IMAGE --format jsonl` prints (names, order, modes, owners,
    inode numbers, link counts, mtimes): the layout eifkit decides is the thing compared,
  - the file contents and symlink targets read from the image's layers with Python's tarfile
    (whiteouts applied bottom layer first), and /cmd, /env and /workdir written from the
    image config (ENTRYPOINT then CMD, the first word looked up in the image's PATH; Env; the
    working directory), each checked against the SHA-256 the listing shows,
  - the header conventions of ../shared/spec/RAMDISK.md (070701, 8 lowercase hex digits per
    field, dev 3/1, trailer, padding to 512),
then PCR2 = SHA-384(48 zero bytes || SHA-384(ramdisk)) (../shared/spec/EIF.md) by hashlib,
compared with the PCR2 `eifkit build` prints. GNU cpio then lists the archive, as a check
that it is a well-formed newc archive holding the listed names.

Why not GNU cpio -o: it takes each header from the host's stat(2), and eifkit's headers are
not a file system's: dev is 3/1 on every entry (the host's device, or 0/0 with
--ignore-devno), a directory's nlink is 2 whatever its subdirectories (stat gives 2 + their
number), and inode numbers run from 721 in eifkit's order (--renumber-inodes counts from its
own start); so a byte-identical archive from GNU cpio is impossible.

  app_ramdisk_pcr2.py --eifkit EIFKIT --image IMAGE.tar --vectors VECTORS_DIR
"""
import argparse
import hashlib
import io
import json
import os
import posixpath
import subprocess
import sys
import tarfile
import tempfile

TYPE_BITS = {"file": 0o100000, "directory": 0o040000, "symlink": 0o120000, "fifo": 0o010000}


def run(args):
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({r.returncode}): {r.stderr.decode(errors='replace')}")
    return r.stdout


def clean(name):
    name = posixpath.normpath("/" + name).lstrip("/")
    return "" if name == "." else name


def read_docker_archive(path):
    """The config and the flattened tree {path: (type, bytes or link target)}."""
    with tarfile.open(path) as outer:
        members = {clean(m.name): m for m in outer.getmembers()}
        manifest = json.load(outer.extractfile(members["manifest.json"]))[0]
        config = json.load(outer.extractfile(members[clean(manifest["Config"])]))
        tree = {}
        for layer in manifest["Layers"]:
            data = outer.extractfile(members[clean(layer)]).read()
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as t:
                for m in t.getmembers():
                    p = clean(m.name)
                    if not p:
                        continue
                    parent, base = posixpath.split(p)
                    if base == ".wh..wh..opq":
                        for k in [k for k in tree if k.startswith(parent + "/")]:
                            del tree[k]
                        continue
                    if base.startswith(".wh."):
                        gone = posixpath.join(parent, base[4:])
                        for k in [k for k in tree if k == gone or k.startswith(gone + "/")]:
                            del tree[k]
                        continue
                    if not m.isdir():
                        for k in [k for k in tree if k.startswith(p + "/")]:
                            del tree[k]
                    if m.isreg():
                        tree[p] = ("file", t.extractfile(m).read())
                    elif m.issym():
                        tree[p] = ("symlink", m.linkname.encode())
                    elif m.isdir():
                        tree[p] = ("directory", b"")
                    else:
                        sys.exit(f"{p}: only files, directories and symlinks are handled here")
    return config["config"], tree


def lookup(command, env, tree):
    if "/" in command:
        return command
    path = next((e[5:] for e in env if e.startswith("PATH=")), "/usr/sbin:/usr/bin:/sbin:/bin")
    for d in path.split(":"):
        candidate = posixpath.join(d, command)
        if clean(candidate) in tree:
            return candidate
    sys.exit(f"{command}: not found in the image's PATH {path}")


def top_level_files(config, tree):
    env = config.get("Env") or []
    argv = (config.get("Entrypoint") or []) + (config.get("Cmd") or [])
    argv[0] = lookup(argv[0], env, tree)
    return {
        "cmd": "".join(a + "\n" for a in argv).encode(),
        "env": "".join(e + "\n" for e in env).encode(),
        "workdir": ((config.get("WorkingDir") or "/") + "\n").encode(),
    }


def newc_header(ino, mode, uid, gid, nlink, mtime, size, name_size):
    fields = [ino, mode, uid, gid, nlink, mtime, size, 3, 1, 0, 0, name_size, 0]
    return b"070701" + b"".join(b"%08x" % f for f in fields)


def pad4(n):
    return b"\0" * (-n % 4)


def ramdisk(listing, tree, top):
    out = bytearray()
    seen_inodes = set()
    for e in listing:
        name = e["Name"]
        if e["Type"] not in TYPE_BITS:
            sys.exit(f"{name}: type {e['Type']} is not handled here")
        if e["Ino"] in seen_inodes:
            sys.exit(f"{name}: hard links are not handled here")
        seen_inodes.add(e["Ino"])
        if name in top:
            data = top[name]
        elif name.startswith("rootfs/") and name[7:] in tree:
            kind, data = tree[name[7:]]
            if kind != e["Type"]:
                sys.exit(f"{name}: a {kind} in the layers, a {e['Type']} in the listing")
        elif e["Type"] == "directory":
            data = b""  # made by the builder: rootfs, rootfs/dev, rootfs/proc, ...
        else:
            sys.exit(f"{name}: in the listing, not in the image")
        if e["Type"] == "directory":
            data = b""
        if "Sha256" in e and hashlib.sha256(data).hexdigest() != e["Sha256"]:
            sys.exit(f"{name}: {data!r} here, SHA-256 {e['Sha256']} in the listing")
        if e["Type"] == "symlink" and data.decode() != e["Target"]:
            sys.exit(f"{name}: target {data!r} here, {e['Target']!r} in the listing")
        mode = TYPE_BITS[e["Type"]] | int(e["Mode"], 8)
        encoded = name.encode() + b"\0"
        out += newc_header(e["Ino"], mode, e["Uid"], e["Gid"], e["Nlink"], e["Mtime"], len(data),
                           len(encoded))
        out += encoded + pad4(110 + len(encoded)) + data + pad4(len(data))
    trailer = b"TRAILER!!!\0"
    out += newc_header(listing[-1]["Ino"] + 1, 0, 0, 0, 1, 0, 0, len(trailer))
    out += trailer + pad4(110 + len(trailer))
    out += b"\0" * (-len(out) % 512)
    return bytes(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eifkit", required=True)
    parser.add_argument("--image", required=True)
    parser.add_argument("--vectors", required=True)
    a = parser.parse_args()
    listing = [json.loads(line) for line in
               run([a.eifkit, "ls", a.image, "--format", "jsonl"]).decode().splitlines()]
    config, tree = read_docker_archive(a.image)
    archive = ramdisk(listing, tree, top_level_files(config, tree))
    pcr2 = hashlib.sha384(bytes(48) + hashlib.sha384(archive).digest()).hexdigest()

    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "app.cpio")
        with open(path, "wb") as f:
            f.write(archive)
        with open(path, "rb") as f:
            names = subprocess.run(["cpio", "-it", "--quiet"], stdin=f, stdout=subprocess.PIPE,
                                   check=True).stdout.decode().splitlines()
        if names != [e["Name"] for e in listing]:
            sys.exit(f"GNU cpio lists {names}, the listing has {[e['Name'] for e in listing]}")
        v = a.vectors
        built = json.loads(run([a.eifkit, "build", "--image", a.image,
                                "--kernel", f"{v}/eif/inputs/kernel.bin",
                                "--init", f"{v}/ramdisk/init.bin",
                                "--nsm", f"{v}/ramdisk/nsm.ko.bin",
                                "--build-time", "2024-01-01T00:00:00Z",
                                "--output", os.path.join(scratch, "app.eif")]))
    got = built["Measurements"]["PCR2"]
    print(f"{len(listing)} entries, {len(archive)} bytes of newc written here")
    print(f"PCR2 computed here: {pcr2}")
    print(f"PCR2 eifkit build:  {got}")
    if got != pcr2:
        sys.exit("FAIL: eifkit's PCR2 differs from the one computed without its code")
    print("ok")


if __name__ == "__main__":
    main()
