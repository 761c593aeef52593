using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace Dsl.Cli;

/// <summary>
/// `cmodel train --ranks K`: starts this same command again as K ranks under Open MPI's mpirun
/// on this machine (docs/distributed.md gives the line for several machines), and passes their
/// output on. Rank 0 alone prints and saves.
/// </summary>
internal static class MpiLauncher
{
    /// <summary>The job's exit code, or null with <paramref name="error"/> when mpirun cannot be found.</summary>
    public static int? Run(int ranks, IReadOnlyList<string> verbArguments, TextWriter stdout, TextWriter stderr, out string error)
    {
        error = "";
        var mpirun = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, "mpirun")).FirstOrDefault(File.Exists);
        if (mpirun == null)
        {
            error = "--ranks runs mpirun, which is not installed: install Open MPI (Debian: apt-get install openmpi-bin, or bash setup.sh --mpi in a clone)";
            return null;
        }
        var start = new ProcessStartInfo(mpirun)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-n");
        start.ArgumentList.Add(ranks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // More ranks than cores is slow but allowed: a quick start should not fail on a laptop.
        start.ArgumentList.Add("--oversubscribe");
        // Open MPI refuses root unless told; a container's user is root more often than not.
        if (Environment.UserName == "root") start.ArgumentList.Add("--allow-run-as-root");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(typeof(MpiLauncher).Assembly.Location);
        start.ArgumentList.Add("train");
        foreach (var argument in verbArguments) start.ArgumentList.Add(argument);
        using var job = Process.Start(start)!;
        job.OutputDataReceived += (_, line) => { if (line.Data != null) lock (stdout) stdout.WriteLine(line.Data); };
        job.ErrorDataReceived += (_, line) => { if (line.Data != null) lock (stderr) stderr.WriteLine(line.Data); };
        job.BeginOutputReadLine();
        job.BeginErrorReadLine();
        job.WaitForExit();
        return job.ExitCode;
    }
}
