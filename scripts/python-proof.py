"""Checks the generated Python package against package.json and the .jsii assembly (python-proof.sh)."""
import ast
import glob
import json
import os
import sys
import tarfile

root, py, sdist_dir = sys.argv[1:4]
pkg = json.load(open(os.path.join(root, "package.json")))
asm = json.load(open(os.path.join(root, ".jsii")))
target = pkg["jsii"]["targets"]["python"]
dist_name, module = target["distName"], target["module"]
problems = []

# The sdist and its metadata.
sdists = glob.glob(os.path.join(sdist_dir, "*.tar.gz"))
if len(sdists) != 1:
    sys.exit(f"python-proof: expected one sdist, found {sdists}")
with tarfile.open(sdists[0]) as tar:
    names = tar.getnames()
    base = f"{dist_name}-{pkg['version']}"
    meta = tar.extractfile(f"{base}/PKG-INFO").read().decode()
    requires_txt = tar.extractfile(f"{base}/src/{module}.egg-info/requires.txt").read().decode()
    jsii_tgz_name = f"{base}/src/{module}/_jsii/{pkg['name']}@{pkg['version']}.jsii.tgz"
    if jsii_tgz_name not in names:
        problems.append(f"sdist lacks {jsii_tgz_name}")
        embedded = None
    else:
        embedded = tar.extractfile(jsii_tgz_name).read()
headers = [line.split(": ", 1) for line in meta.split("\n\n", 1)[0].splitlines() if ": " in line]
def header(key):
    return [v for k, v in headers if k == key]
expect = {"Name": [dist_name], "Version": [pkg["version"]], "License": [pkg["license"]], "Requires-Python": [">=3.10"]}
for key, want in expect.items():
    if header(key) != want:
        problems.append(f"PKG-INFO {key}: {header(key)}, expected {want}")
# setuptools 65 records install_requires in the egg-info, not in PKG-INFO.
requires = [r.replace(" ", "") for r in requires_txt.splitlines() if r.strip()]
for dep, rng in list(pkg["peerDependencies"].items()) + [("jsii", "")]:
    low = rng.lstrip("^")
    if not any(r.startswith(dep + "<") or r.startswith(dep + ">") for r in requires if (f">={low}" in r or not low)):
        problems.append(f"install_requires lacks {dep}>={low}: {requires}")

# The embedded npm tarball is this build's: same assembly fingerprint.
if embedded is not None:
    import io
    with tarfile.open(fileobj=io.BytesIO(embedded)) as inner:
        inner_asm = json.load(inner.extractfile("package/.jsii"))
        if inner_asm["fingerprint"] != asm["fingerprint"]:
            problems.append("the embedded jsii tarball holds another build's assembly")
        if "package/dist/index.js" not in inner.getnames():
            problems.append("the embedded jsii tarball lacks dist/index.js")

# Every top-level jsii type is a public name of the Python module.
init = os.path.join(py, "src", module, "__init__.py")
tree = ast.parse(open(init, encoding="utf8").read(), init)
classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
exported = set()
for n in tree.body:
    if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in n.targets):
        exported = set(ast.literal_eval(n.value))
types = {fqn.split(".", 1)[1] for fqn in asm["types"] if fqn.count(".") == 1}
missing = sorted(t for t in types if t not in exported or t not in classes)
if missing:
    problems.append(f"jsii types missing from {module}.__all__ or not classes: {missing}")

if problems:
    sys.exit("python-proof:\n  - " + "\n  - ".join(problems))
print(f"python: {len(glob.glob(os.path.join(py, 'src', '**', '*.py'), recursive=True))} modules byte-compile; "
      f"sdist {os.path.basename(sdists[0])} builds offline; {dist_name} / import {module} exposes all {len(types)} jsii types "
      f"and embeds this build's assembly")
