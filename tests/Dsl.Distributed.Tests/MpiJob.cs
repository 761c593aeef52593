using System.Diagnostics;

namespace Dsl.Distributed.Tests;

/// <summary>Runs this assembly's <see cref="Worker"/> as one plain process or as K ranks under mpirun, with a time limit.</summary>
internal static class MpiJob
{
    public static readonly string Assembly = typeof(Worker).Assembly.Location;

    public sealed record Result(int ExitCode, string Output, TimeSpan Elapsed);

    public static Result Run(int ranks, string arguments, int limitSeconds = 120, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = ranks == 1
            ? new ProcessStartInfo("dotnet", $"\"{Assembly}\" {arguments}")
            : new ProcessStartInfo(Mpirun(), $"-n {ranks} --oversubscribe dotnet \"{Assembly}\" {arguments}");
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        // Open MPI refuses root without these (CI runs as root); shared memory without CMA works in containers.
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        start.Environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none";
        // These jobs are small: a collective waiting half a minute is a hang, reported as such.
        start.Environment["CMODEL_COLLECTIVE_TIMEOUT"] = "30";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limitSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"`{start.FileName} {start.Arguments}` still ran after {limitSeconds} s:\n{output.Result}{errors.Result}");
        }
        process.WaitForExit();
        return new Result(process.ExitCode, output.Result + errors.Result, clock.Elapsed);
    }

    /// <summary>Open MPI's launcher; setup.sh --mpi installs it.</summary>
    private static string Mpirun()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(folder => Path.Combine(folder, "mpirun")).FirstOrDefault(File.Exists);
        return found ?? throw new InvalidOperationException("mpirun is not installed: run `bash setup.sh --mpi` (Debian's openmpi-bin)");
    }

    /// <summary>A run that must succeed.</summary>
    public static Result Succeed(int ranks, string arguments)
    {
        var result = Run(ranks, arguments);
        Assert.True(result.ExitCode == 0, $"{ranks} rank(s) `{arguments}` exited with {result.ExitCode}:\n{result.Output}");
        return result;
    }
}
