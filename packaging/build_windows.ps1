# Build the frozen program and the per-user installer on Windows:
#   powershell -ExecutionPolicy Bypass -File packaging\build_windows.ps1
# Needs Python 3.11 or newer (python on PATH) and Inno Setup 6 (ISCC.exe on PATH or in its
# usual folder). Leaves dist\case-review-tracker\ (the frozen program) and
# dist\installer\CaseReviewTracker-<version>-setup.exe. The program is self-tested before the
# installer is made; the version comes from the package metadata (pyproject.toml).
$ErrorActionPreference = "Stop"
$repo = Split-Path -Parent $PSScriptRoot
$dist = Join-Path $repo "dist"
$venv = Join-Path $dist "frozen-venv"
$python = Join-Path $venv "Scripts\python.exe"
$program = Join-Path $dist "case-review-tracker"

function Run([string]$what, [scriptblock]$command) {
    & $command
    if ($LASTEXITCODE -ne 0) { throw "$what failed (exit status $LASTEXITCODE)" }
}

foreach ($old in @((Join-Path $repo "build"), (Join-Path $dist "wheel"), (Join-Path $dist "frozen-work"), $program)) {
    if (Test-Path $old) { Remove-Item -Recurse -Force $old }
}
Run "Building the wheel" { python -m pip wheel --no-deps --quiet --wheel-dir (Join-Path $dist "wheel") $repo }
$wheel = (Get-ChildItem (Join-Path $dist "wheel\*.whl")).FullName
if (-not (Test-Path $python)) { Run "Making the build environment" { python -m venv $venv } }
Run "Installing the wheel" { & $python -m pip install --quiet --force-reinstall --no-deps $wheel }
Run "Installing PyInstaller" { & $python -m pip install --quiet $wheel -r (Join-Path $repo "packaging\requirements-build.txt") }

Push-Location $dist  # nothing imported from the source tree
try {
    Run "PyInstaller" { & (Join-Path $venv "Scripts\pyinstaller.exe") --noconfirm --log-level WARN `
        --distpath $dist --workpath (Join-Path $dist "frozen-work") (Join-Path $repo "packaging\case-review-tracker.spec") }
} finally { Pop-Location }

# The console twin shows the self-test's output; off-screen, so it runs on a build server too.
$env:CRT_DATA_DIR = Join-Path ([System.IO.Path]::GetTempPath()) "crt-self-test-data-$PID"
$env:QT_QPA_PLATFORM = "offscreen"
try {
    Run "The self-test" { & (Join-Path $program "case-review-tracker-cli.exe") --self-test }
} finally {
    Remove-Item Env:\QT_QPA_PLATFORM, Env:\CRT_DATA_DIR
}

$version = (& $python -c "from importlib.metadata import version; print(version('case-review-tracker'))").Trim()
$iscc = (Get-Command ISCC.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe" }
Run "Inno Setup" { & $iscc /Q "/DAppVersion=$version" (Join-Path $repo "packaging\installer.iss") }
$size = (Get-ChildItem -Recurse -File $program | Measure-Object -Property Length -Sum).Sum / 1MB
Write-Host ("Frozen program: {0:N1} MB; installer: {1}" -f $size, (Get-ChildItem (Join-Path $dist "installer\*.exe")).FullName)
