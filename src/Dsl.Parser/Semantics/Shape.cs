using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Dsl.Parser.Semantics;

/// <summary>One tensor dimension: the batch symbol, or a size known for this instantiation.</summary>
public sealed record Dim(long Value, ScalarExpr Expr, string? BatchName = null)
{
    public bool IsBatch => BatchName != null;

    public static Dim Batch(string name) => new(1, new SymbolExpr(name), name);

    public override string ToString() => BatchName ?? Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A tensor shape; dimension 0 is the batch.</summary>
public sealed record Shape(IReadOnlyList<Dim> Dims)
{
    public int Rank => Dims.Count;

    public Dim this[int index] => Dims[index];

    public Dim Last => Dims[Dims.Count - 1];

    /// <summary>The last dimension holds the features at any rank (a stack of sequences), not a map's width.</summary>
    public bool FeaturesLast { get; init; }

    /// <summary>Elements per sample (the batch counts as 1).</summary>
    public long ElementsPerSample => Dims.Where(d => !d.IsBatch).Aggregate(1L, (a, d) => a * d.Value);

    public Shape With(int index, Dim dim)
    {
        var dims = Dims.ToList();
        dims[index] = dim;
        return this with { Dims = dims };
    }

    public Shape Replace(int from, int count, IEnumerable<Dim> with)
    {
        var dims = Dims.ToList();
        dims.RemoveRange(from, count);
        dims.InsertRange(from, with);
        return this with { Dims = dims };
    }

    public override string ToString() => "[" + string.Join(", ", Dims) + "]";

    public bool Equals(Shape? other) =>
        other is not null && other.Dims.Count == Dims.Count && Dims.Zip(other.Dims, (a, b) => a.Value == b.Value && a.IsBatch == b.IsBatch).All(x => x);

    public override int GetHashCode() => Dims.Count;
}
