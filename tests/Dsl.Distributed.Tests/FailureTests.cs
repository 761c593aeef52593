namespace Dsl.Distributed.Tests;

/// <summary>A rank that stops answering or dies ends the job with a clear message instead of a hang.</summary>
[Collection(nameof(MpiCollection))]
public sealed class FailureTests
{
    private const string Run = "worker ParallelCnn --samples 88 --batch 15 --epochs 1 --out /dev/null";

    [Fact]
    public void A_rank_that_hangs_makes_the_others_stop_after_the_timeout()
    {
        var result = MpiJob.Run(2, $"{Run} --hang-at 2", limitSeconds: 90, new Dictionary<string, string> { ["CMODEL_COLLECTIVE_TIMEOUT"] = "10" });
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("rank 0 of 2: an all-reduce", result.Output);
        Assert.Contains("waited 10 s for the other ranks; one of them has died or hangs", result.Output);
    }

    [Fact]
    public void A_rank_that_dies_ends_the_job()
    {
        var result = MpiJob.Run(2, $"{Run} --die-at 2", limitSeconds: 90);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("rank 1", result.Output);
        Assert.DoesNotContain("trained on", result.Output);
    }
}
