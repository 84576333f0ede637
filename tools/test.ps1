# README command 2 on Windows, the twin of tools/test.sh: install everything from scratch into .venv,
# then lint, type-check and test. Same steps, same order, same environment variable; keep them in step.
#
#   powershell -ExecutionPolicy Bypass -File tools\test.ps1 [pytest arguments]
#
# $env:PYTHON names the interpreter that makes the venv: a command or a path (default: python).
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Set-Location (Split-Path -Parent $PSScriptRoot)

# A native program reports failure only through its exit status, which PowerShell does not act on;
# stop with that status, as `set -e` does in test.sh. What it writes to stderr (pip's notices) is
# not a failure, which Windows PowerShell 5.1 under 'Stop' could take it for.
function Invoke-Native {
    $program = $args[0]
    $arguments = @($args | Select-Object -Skip 1)
    $ErrorActionPreference = 'Continue'
    & $program @arguments
    if ($LASTEXITCODE -ne 0) {
        Write-Host "$program $($arguments -join ' ') failed with exit status $LASTEXITCODE"
        exit $LASTEXITCODE
    }
}

$python = if ($env:PYTHON) { $env:PYTHON } else { 'python' }
$venv = Join-Path (Get-Location) '.venv\Scripts'
Invoke-Native $python -m venv .venv
Invoke-Native "$venv\python.exe" -m pip install --quiet --upgrade pip
Invoke-Native "$venv\python.exe" -m pip install --quiet -e '.[dev,build]'
# The build extra brings PyInstaller: tests/packaging builds the one-file binary and runs it.
# Here a missing PyInstaller must fail those tests, not skip them (a plain pytest skips).
$env:ANIVAULT_REQUIRE_BINARY = '1'
Write-Host '== ruff'; Invoke-Native "$venv\ruff.exe" check src tests tools bench
Write-Host '== ruff format'; Invoke-Native "$venv\ruff.exe" format --check src tests tools bench
Write-Host '== mypy'; Invoke-Native "$venv\mypy.exe"
# The GitHub workflow cannot run here; actionlint (with shellcheck for its bash steps) is its check.
Write-Host '== actionlint'
$env:PATH = "$venv;$env:PATH"
Invoke-Native "$venv\actionlint.exe"
Write-Host '== pytest'
Invoke-Native "$venv\python.exe" -m pytest --cov=anivault --cov-report=term --cov-fail-under=80 @args
