using Dsl.Runtime.Data;
using Dsl.Runtime.Training;

namespace Dsl.Runtime.Tests;

public class KeptResultTests
{
    public sealed record Run(string Method, double Top1, double[] Flips);

    private static string TemporaryPath() => Path.Combine(Path.GetTempPath(), $"cmodel-{Guid.NewGuid():N}.json");

    [Fact]
    public void A_kept_result_is_read_back_instead_of_running_again()
    {
        var path = TemporaryPath();
        var runs = 0;
        Run Train() { runs++; return new Run("rebnn", 0.9, new[] { 0.5, 0.25 }); }
        var first = KeptResult.GetOrRun(path, Train);
        var second = KeptResult.GetOrRun(path, Train);
        Assert.Equal(1, runs);
        Assert.Equal((first.Method, first.Top1), (second.Method, second.Top1));
        Assert.Equal(first.Flips, second.Flips);
        Assert.False(File.Exists(path + ".tmp"));
        File.Delete(path);
    }

    [Fact]
    public void A_corrupt_result_names_its_file_runs_nothing_and_stays_on_disk()
    {
        var path = TemporaryPath();
        File.WriteAllText(path, "{\"Method\": \"plain\", \"Top1\": ");
        var error = Assert.Throws<DataFormatException>(() => KeptResult.GetOrRun<Run>(path, () => throw new InvalidOperationException("must not run")));
        Assert.StartsWith($"{path}: not a kept Run", error.Message);
        Assert.Equal("{\"Method\": \"plain\", \"Top1\": ", File.ReadAllText(path));
        File.Delete(path);
    }
}
