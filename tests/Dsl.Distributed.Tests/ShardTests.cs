using Dsl.Runtime.Data;

namespace Dsl.Distributed.Tests;

/// <summary>The distributed sampler: every sample once per epoch, each global batch shared out the same way on every rank.</summary>
[Collection(nameof(MpiCollection))]
public sealed class ShardTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cmodel-shard-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(10, 4, 1, new long[] { 4, 4, 2 })]
    [InlineData(10, 4, 2, new long[] { 4, 4, 2 })]
    [InlineData(10, 4, 3, new long[] { 4, 6 })]
    [InlineData(9, 3, 3, new long[] { 3, 3, 3 })]
    public void Global_batches_are_the_loader_batches_with_a_too_short_last_one_joined_to_the_one_before(long samples, int batch, int ranks, long[] lengths)
    {
        var batches = new Shard(0, ranks).Batches(samples, batch);
        Assert.Equal(lengths, batches.Select(b => b.Length));
        Assert.Equal(batches.Select(b => b.Start), batches.Select((_, i) => batches.Take(i).Sum(b => b.Length)));
    }

    [Theory]
    [InlineData(7, 3, new long[] { 3, 2, 2 })]
    [InlineData(6, 3, new long[] { 2, 2, 2 })]
    [InlineData(5, 2, new long[] { 3, 2 })]
    public void Each_rank_takes_a_contiguous_slice_differing_by_at_most_one(long length, int ranks, long[] sizes)
    {
        var slices = Enumerable.Range(0, ranks).Select(r => new Shard(r, ranks).Slice(length)).ToArray();
        Assert.Equal(sizes, slices.Select(s => s.Length));
        Assert.Equal(slices.Select(s => s.Offset), slices.Select((_, i) => slices.Take(i).Sum(s => s.Length)));
    }

    [Fact]
    public void A_batch_or_a_data_set_smaller_than_the_ranks_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new Shard(0, 4).Batches(100, 3));
        Assert.Contains("at least one sample per rank", error.Message);
        error = Assert.Throws<ArgumentException>(() => new Shard(0, 4).Batches(3, 4));
        Assert.Contains("3 samples cannot be shared by 4 ranks", error.Message);
        Assert.Equal(new[] { (0L, 4L) }, new Shard(0, 4).Batches(4, 4));
    }

    [Theory]
    [InlineData("")]
    [InlineData("--augment")]
    public void Two_ranks_see_every_sample_once_per_epoch_in_the_batches_of_one_process(string augment)
    {
        MpiJob.Succeed(1, $"coverage --samples 37 --batch 8 --epochs 2 --out {_folder} {augment}");
        var one = Lines(Path.Combine(_folder, "rank0.txt"));
        MpiJob.Succeed(2, $"coverage --samples 37 --batch 8 --epochs 2 --out {_folder} {augment}");
        var (rank0, rank1) = (Lines(Path.Combine(_folder, "rank0.txt")), Lines(Path.Combine(_folder, "rank1.txt")));
        Assert.Equal(one.Count, rank0.Count);
        Assert.Equal(one.Count, rank1.Count);
        for (var epoch = 0; epoch < 2; epoch++)
        {
            var seen = rank0.Concat(rank1).Where(l => l.Epoch == epoch).SelectMany(l => l.Ids).Order();
            Assert.Equal(Enumerable.Range(0, 37).Select(i => (long)i), seen);
        }
        for (var i = 0; i < one.Count; i++)
        {
            // Rank 0's slice then rank 1's is the one process's batch, in its order.
            Assert.Equal(one[i].Ids, rank0[i].Ids.Concat(rank1[i].Ids));
            Assert.Equal(1.0, rank0[i].Share + rank1[i].Share, 12);
            Assert.Equal(rank0[i].Ids.Length / (double)one[i].Ids.Length, rank0[i].Share, 12);
        }
    }

    private static List<(int Epoch, double Share, long[] Ids)> Lines(string path) =>
        File.ReadAllLines(path).Select(line => line.Split(' ')).Select(p => (int.Parse(p[0]), double.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture), p[3].Split(',').Select(long.Parse).ToArray())).ToList();
}
