using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Costs;
using Dsl.Parser.Layers;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Methods;

/// <summary>
/// One block's share of a @tokens schedule: tokens kept after pruning and after merging, class
/// token included; for learned rates, the counts are the full ones and Learned is set (block 0
/// and other exempt blocks stay fixed), with Reduce saying which reductions learn (both, prune
/// or merge). The block's attention weighs tokens by size, and the statement holding it is
/// followed by the reduction.
/// </summary>
internal sealed class TokenPlan(long prune, long merge, bool learned, long granularity, bool costed, BoundAnnotation annotation, string reduce = "both")
    : BlockShare(annotation)
{
    private int _costRowsBeforeReduction = -1;
    private long _tokensAfterReduction;

    public long Prune => prune;

    public long Merge => merge;

    public bool Learned => learned;

    public long Granularity => granularity;

    /// <summary>What the block's binding found: the patch tokens it receives and its cost model (null for fixed counts).</summary>
    public (long Patches, TokenCostModel? Cost)? Bound { get; private set; }

    public override (string Name, string RuntimeType) Parameter => (TokensAnnotation.KindName, "TokenBlock?");

    /// <summary>The attention weighs tokens by size and reports its class attention.</summary>
    public override IEnumerable<ConstructionArg> LayerArguments(LayerSpec spec) =>
        spec.Traits.HasFlag(LayerTraits.TokenMixing)
            ? new[] { new ConstructionArg(TokensAnnotation.KindName, new ReferenceCode(TokensAnnotation.KindName)) }
            : Enumerable.Empty<ConstructionArg>();

    /// <summary>After the statement holding the block's attention: keep min(T, prune, merge) tokens.</summary>
    public override TensorValue? AfterStatement(StatementSite statement)
    {
        if (_costRowsBeforeReduction >= 0 || !statement.Layers.Any(l => l.Traits.HasFlag(LayerTraits.TokenMixing))) return statement.Value;
        _costRowsBeforeReduction = statement.CostRows;
        var value = statement.Value;
        if (value.Shape.Rank != 3)
        {
            statement.Diagnostics.Report(Annotation.Source, TokensDiagnostics.ReducedNotTokens, statement.Span, $"@tokens reduces tokens [N, T, C] but '{statement.Name}' is {value.Shape}");
            return null;
        }
        var kept = System.Math.Min(value.Shape[1].Value, System.Math.Min(prune, merge));
        _tokensAfterReduction = kept;
        // Prune and merge after the block's attention (a block used without a schedule passes tokens through).
        statement.Assign(new MethodCall(null, "TokenBlock.Reduce", new CallOperand[] { new NameOperand(TokensAnnotation.KindName), new TensorOperand(value.Code) }));
        return new TensorValue(value.Shape.With(1, new Dim(kept, ScalarExpr.Int(kept))), value.Code);
    }

    /// <summary>The block's share as the runtime builds it: tokens.Learned(...) or tokens.Block(...), with the learned rates' parameters as a cost row.</summary>
    public override ArgCode? Complete(BlockSite block)
    {
        if (_costRowsBeforeReduction < 0)
        {
            block.Diagnostics.Report(Annotation.Source, TokensDiagnostics.NoAttention, Annotation.Span,
                $"@tokens reduces tokens after a block's attention, but block '{block.Name}' has no attention layer");
            return null;
        }
        var tokensIn = block.Input[1].Value;
        if (learned)
        {
            // The rate logits, one per candidate for pruning and for merging, are trainable parameters.
            var candidates = (tokensIn - 1 + granularity - 1) / granularity;
            var learning = reduce == "both" ? 2 : 1;
            block.Costs.Add(new LayerCost(block.PathPrefix + TokensAnnotation.KindName, TokensAnnotation.KindName, block.Output, 0, learning * candidates,
                new AppliedAnnotation[0], new[] { "learned rates" }));
        }
        Bound = (tokensIn - 1, costed ? BlockCost(block.Costs, tokensIn) : null);
        return Code();
    }

    /// <summary>This block's cost as a function of its tokens, from its layers' costs on the tokens they got.</summary>
    private TokenCostModel BlockCost(IReadOnlyList<LayerCost> costs, long tokensIn)
    {
        double perToken = 0, perPair = 0, after = 0;
        for (var i = 0; i < costs.Count; i++)
        {
            var row = costs[i];
            if (i >= _costRowsBeforeReduction)
            {
                after += row.Macs / (double)_tokensAfterReduction;
            }
            else if (LayerCatalog.All.TryGetValue(row.Layer, out var spec) && spec.ActivationProducts(row.Output) is var products and > 0)
            {
                // Products between activations (attention's Q·Kᵀ and A·V, 2·T²·C) grow with the
                // square of the tokens; the rest (its projections, 4·T·C²) with the tokens.
                perPair += products / ((double)tokensIn * tokensIn);
                perToken += (row.Macs - products) / (double)tokensIn;
            }
            else
            {
                perToken += row.Macs / (double)tokensIn;
            }
        }
        return new TokenCostModel(perToken, perPair, after);
    }

    private ArgCode Code()
    {
        var (patches, cost) = Bound!.Value;
        var costArg = cost == null ? new ConstructionArg[0] : new[] { new ConstructionArg("cost", cost.Code()) };
        if (!learned)
            return new CallCode("tokens.Block", new[] { Int("prune", prune), Int("merge", merge) }.Concat(costArg).ToList());
        var reduction = reduce == "both" ? new ConstructionArg[0] : new[] { new ConstructionArg("reduce", new WordCode(reduce)) };
        return new CallCode("tokens.Learned", new[] { Int("patches", patches), Int("granularity", granularity) }.Concat(costArg).Concat(reduction).ToList());
    }

    private static ConstructionArg Int(string name, long value) => new(name, new ScalarCode(ScalarExpr.Int(value)));
}

/// <summary>A block's MACs for N tokens: PerToken·N + PerTokenPair·N² before the reduction, PerTokenAfter·N after it.</summary>
internal sealed record TokenCostModel(double PerToken, double PerTokenPair, double PerTokenAfter)
{
    public ArgCode Code() => new NewCode("TokenCost", new ArgCode[] { new RealCode(PerToken), new RealCode(PerTokenPair), new RealCode(PerTokenAfter) });
}
