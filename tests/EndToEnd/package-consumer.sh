#!/usr/bin/env bash
# End to end: pack CModel, make a fresh console project that references the package with one
# line, build and run it; run the README's training example in it (one epoch); break its
# .cmodel and expect a located CM diagnostic from `dotnet build`; pack the cmodel .NET tool,
# install it and run it. Prints "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/tests/EndToEnd"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A fresh version each run, so NuGet's cache never serves an older build of the package.
version="0.1.0-e2e.$(date +%s)"
passed=0
failed=0
check() { if [ "$1" = 0 ]; then passed=$((passed + 1)); echo "ok: $2"; else failed=$((failed + 1)); echo "FAILED: $2"; return 1; fi; }

dotnet pack "$root/src/Dsl.Runtime/Dsl.Runtime.csproj" -c Release -o "$work/feed" -p:Version="$version" -nologo -v:q >"$work/pack.log" 2>&1
check $? "dotnet pack" || true
[ $failed = 0 ] || { cat "$work/pack.log"; echo "$passed passed, $failed failed"; exit 1; }

mkdir -p "$work/app"
cd "$work/app"
cat > NuGet.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="cmodel-local" value="$work/feed" />
  </packageSources>
</configuration>
XML
cat > Consumer.csproj <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="CModel" Version="$version" />
  </ItemGroup>
</Project>
XML
cp "$here/Tiny.cmodel" Tiny.cmodel
cp "$here/Program.cs.txt" Program.cs

dotnet build -nologo -v:q >"$work/build.log" 2>&1
check $? "a fresh console project builds against the package" || cat "$work/build.log"

output=$(dotnet run --no-build 2>&1)
echo "$output" | grep -q "Tiny: 243 parameters, 2496 MACs, logits 2x3"
check $? "it runs the generated model: $output"

# The README's training example, as written, for one epoch, in the same project.
awk '/^```csharp$/ {on = 1; next} /^```$/ {on = 0} on' "$root/README.md" \
  | sed -e 's/^using MyApp;.*/using Consumer;/' -e 's/Epochs = 5,/Epochs = 1,/' > Program.cs
cp "$root/samples/Quickstart/FashionResNet.cmodel" FashionResNet.cmodel
dotnet build -nologo -v:q >"$work/readme.log" 2>&1
check $? "the README's training example builds in the package project" || cat "$work/readme.log"
output=$(dotnet run --no-build 2>&1 | tr '\r' '\n')
echo "$output" | grep -q "test top-1"
check $? "it trains on the subset the package ships" || echo "$output" | tail -20
rm -f FashionResNet.cmodel run.ckpt
cp "$here/Program.cs.txt" Program.cs

sed -i 's/max_pool2d(2)/max_pool(2)/' Tiny.cmodel
dotnet build -nologo -v:q >"$work/broken.log" 2>&1
status=$?
[ $status != 0 ]
check $? "a broken .cmodel fails the build"
grep -q "Tiny.cmodel(4,72): error CM0002: unknown layer or block 'max_pool'; did you mean 'max_pool2d'?" "$work/broken.log"
check $? "the build names the file, line and column" || cat "$work/broken.log"

dotnet pack "$root/src/Dsl.Cli/Dsl.Cli.csproj" -c Release -o "$work/feed" -p:Version="$version" -nologo -v:q >"$work/tool-pack.log" 2>&1
check $? "dotnet pack the cmodel tool" || cat "$work/tool-pack.log"
dotnet tool install --tool-path "$work/tools" --add-source "$work/feed" CModel.Cli --version "$version" >"$work/tool.log" 2>&1
check $? "dotnet tool install CModel.Cli" || cat "$work/tool.log"
"$work/tools/cmodel" check Tiny.cmodel >"$work/tool-check.log" 2>&1
[ $? = 1 ] && grep -q "Tiny.cmodel(4,72): error CM0002" "$work/tool-check.log"
check $? "the installed cmodel checks a file" || cat "$work/tool-check.log"

echo "$passed passed, $failed failed"
[ $failed = 0 ]
