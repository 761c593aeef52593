using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Binding;

/// <summary>
/// One block's share of a @tokens schedule: tokens kept after pruning and after merging, class
/// token included; for learned rates, the counts are the full ones and Learned is set (block 0
/// and other exempt blocks stay fixed), with Reduce saying which reductions learn (both, prune
/// or merge).
/// </summary>
internal sealed record TokenPlan(long Prune, long Merge, bool Learned, long Granularity, bool Costed, BoundAnnotation Annotation, string Reduce = "both")
{
    /// <summary>What the block's binder found: the patch tokens it receives and its cost model (null for fixed counts).</summary>
    public (long Patches, TokenCostModel? Cost)? Bound { get; set; }

    /// <summary>The block's share of the schedule as the runtime builds it: tokens.Learned(...) or tokens.Block(...).</summary>
    public ArgCode Code()
    {
        var (patches, cost) = Bound!.Value;
        var costArg = cost == null ? new ConstructionArg[0] : new[] { new ConstructionArg("cost", cost.Code()) };
        if (!Learned)
            return new CallCode("tokens.Block", new[] { Int("prune", Prune), Int("merge", Merge) }.Concat(costArg).ToList());
        var reduce = Reduce == "both" ? new ConstructionArg[0] : new[] { new ConstructionArg("reduce", new WordCode(Reduce)) };
        return new CallCode("tokens.Learned", new[] { Int("patches", patches), Int("granularity", Granularity) }.Concat(costArg).Concat(reduce).ToList());
    }

    private static ConstructionArg Int(string name, long value) => new(name, new ScalarCode(ScalarExpr.Int(value)));
}

/// <summary>A block's MACs for N tokens: PerToken·N + PerTokenPair·N² before the reduction, PerTokenAfter·N after it.</summary>
internal sealed record TokenCostModel(double PerToken, double PerTokenPair, double PerTokenAfter)
{
    public ArgCode Code() => new NewCode("TokenCost", new ArgCode[] { new RealCode(PerToken), new RealCode(PerTokenPair), new RealCode(PerTokenAfter) });
}
