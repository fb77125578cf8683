#!/usr/bin/env bash
# Uses Latent as someone outside this repository would: packs the Latent library and the latent tool into a temporary
# local feed, creates a new console project in a temporary folder, references the package from that feed, and runs a
# program that fits, saves, loads and evaluates a model; then installs the tool from the feed and runs it.
# Offline: packages come from the local feed and, read-only, from the NuGet global packages folder (as a fallback
# folder), so nothing is downloaded and neither the repository nor the global packages folder is written to.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 LATENT_THREADS="${LATENT_THREADS:-2}"
work=$(mktemp -d "${TMPDIR:-/tmp}/latent-consumer.XXXXXX")
trap 'rm -rf "$work"' EXIT
start=$SECONDS
step() { echo "consumer-test [$((SECONDS - start)) s] $*"; }
fail() { echo "consumer-test: FAILED: $*" >&2; exit 1; }

cache=$(dotnet nuget locals global-packages --list | sed -E 's/^global-packages: *//')
version=$(sed -nE 's|.*<Version>(.*)</Version>.*|\1|p' "$root/Directory.Build.props")
mkdir -p "$work/feed" "$work/packages" "$work/app"
cat > "$work/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <config>
    <add key="globalPackagesFolder" value="$work/packages" />
  </config>
  <packageSources>
    <clear />
    <add key="latent-local" value="$work/feed" />
  </packageSources>
  <fallbackPackageFolders>
    <clear />
    <add key="restore-cache" value="$cache" />
  </fallbackPackageFolders>
</configuration>
EOF
export NUGET_PACKAGES="$work/packages"

if ! grep -qa 'GLIBCXX_3.4.32' /lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib/x86_64-linux-gnu/libstdc++.so.6 2>/dev/null; then
  step "the system libstdc++ lacks GLIBCXX_3.4.32: every run below relies on the package's build targets or the tool's patched copy"
fi
step "packing Latent and Latent.Cli $version into $work/feed"
for project in src/Latent/Latent.csproj src/Latent.Cli/Latent.Cli.csproj; do
  dotnet pack "$root/$project" -c Release --artifacts-path "$work/artifacts" -o "$work/feed" -v quiet -nologo \
    || fail "dotnet pack $project"
done
for package in "Latent.$version.nupkg" "Latent.$version.snupkg" "Latent.Cli.$version.nupkg"; do
  [ -f "$work/feed/$package" ] || fail "$package missing from the feed"
  echo "  $package $(du -k "$work/feed/$package" | cut -f1) KiB"
done

step "creating a console project outside the repository ($work/app)"
cd "$work/app"
cp "$work/nuget.config" .
dotnet new console --framework net10.0 --no-restore -o . >/dev/null || fail "dotnet new console"
dotnet add package Latent --version "$version" --no-restore >/dev/null || fail "dotnet add package Latent"
torch_version=$(sed -nE 's|.*"libtorch-cpu-linux-x64" Version="([^"]+)".*|\1|p' "$root/Directory.Packages.props")
dotnet add package libtorch-cpu-linux-x64 --version "$torch_version" --no-restore >/dev/null || fail "dotnet add package libtorch-cpu-linux-x64"
cat > Program.cs <<'EOF'
using Latent;
using Latent.Data;
using Latent.Nn;

Console.WriteLine(LatentRuntime.Initialize());
using var data = DatasetLoader.Load(new DataOptions { Path = args[0], TestFraction = 0.25, Standardize = true, Seed = 1 });
using var model = MlpClassifier.For(data, new MlpClassifierOptions { Hidden = [16], Epochs = 30, BatchSize = 16, Seed = 1 });
var curve = model.Fit(data);
model.Save(args[1]);
using var loaded = MlpClassifier.Load(args[1]);
var metrics = loaded.Evaluate(data.Test);
using var before = model.PredictProba(data.Test.Features);
using var after = loaded.PredictProba(data.Test.Features);
Console.WriteLine($"classes {string.Join(",", loaded.ClassNames)}; {data.Train.Count} train / {data.Test.Count} test examples; "
    + $"loss {curve.Epochs[0].Value:F3} -> {curve.Epochs[^1].Value:F3}");
Console.WriteLine($"test accuracy {metrics.Accuracy:F3}, NLPD {metrics.Nlpd:F3}; loaded model identical: {before.equal(after).all().item<bool>()}; "
    + $"standardisation saved: {loaded.Standardization is not null}");
EOF
# Two well separated classes in three features, named by strings.
awk 'BEGIN { srand(7); print "x1,x2,x3,label";
  for (i = 0; i < 200; i++) { c = i % 2; printf "%.4f,%.4f,%.4f,%s\n", (c ? 2 : -2) + rand() - 0.5, rand() * 10, (c ? -1 : 1) + rand() - 0.5, c ? "yes" : "no" } }' > "$work/tiny.csv"

step "building and running the console project"
dotnet build -c Release -v quiet -nologo -o "$work/app-bin" > "$work/build.log" 2>&1 || { cat "$work/build.log"; fail "dotnet build of the console project"; }
output=$(dotnet "$work/app-bin/app.dll" "$work/tiny.csv" "$work/model") || { echo "$output"; fail "the console program exited non-zero"; }
echo "$output" | sed 's/^/  /'
grep -qE "^libtorch .* CPU threads?$" <<<"$output" || fail "libtorch did not report itself"
grep -q "classes no,yes;" <<<"$output" || fail "class names were not read from the CSV"
grep -q "loaded model identical: True; standardisation saved: True" <<<"$output" || fail "save/load did not reproduce the model"
accuracy=$(sed -nE 's/.*test accuracy ([0-9.]+),.*/\1/p' <<<"$output")
awk -v a="$accuracy" 'BEGIN { exit !(a >= 0.9) }' || fail "test accuracy $accuracy below 0.9 on separable data"
[ -f "$work/model/config.json" ] && [ -f "$work/model/model.safetensors" ] || fail "model folder incomplete"

step "publishing the console project (the published copy of libLibTorchSharp.so is patched too)"
dotnet publish -c Release -v quiet -nologo -o "$work/app-publish" > "$work/publish.log" 2>&1 || { cat "$work/publish.log"; fail "dotnet publish"; }
published=$(dotnet "$work/app-publish/app.dll" "$work/tiny.csv" "$work/model-published") || { echo "$published"; fail "the published program exited non-zero"; }
grep -q "loaded model identical: True" <<<"$published" || fail "the published program did not reproduce the model"

step "installing the latent tool from the feed"
dotnet tool install Latent.Cli --version "$version" --tool-path "$work/tools" --configfile "$work/nuget.config" \
  || fail "dotnet tool install"
help=$("$work/tools/latent" --help) || fail "latent --help exited non-zero"
usage=$(grep -A1 '^Usage:' <<<"$help" | tail -n 1 | sed -E 's/^ +| +$//g')
echo "  latent --help usage line: $usage"
[ "$usage" = "latent [command] [options]" ] || fail "usage line is '$usage', expected 'latent [command] [options]'"
run=$("$work/tools/latent" mlp --data "$work/tiny.csv" --epochs 2 --hidden 8 --out "$work/tool-run" 2>&1) || { echo "$run"; fail "latent mlp exited non-zero"; }
echo "$run" | sed 's/^/  /'
grep -q '"test_accuracy"' "$work/tool-run/metrics.json" || fail "latent mlp wrote no metrics.json"
[ -f "$work/tool-run/model/model.safetensors" ] || fail "latent mlp saved no model"

step "passed"
