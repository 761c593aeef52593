using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Layers;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Methods;

/// <summary>
/// DiffRate (@tokens): per-block token pruning and merging in a stack of transformer blocks.
/// Placed on the repeat of blocks (or the model, reaching its repeats of blocks). Fixed rates
/// give the tokens kept per block, class token included: <c>prune: [...]</c> after pruning and
/// <c>merge: [...]</c> after merging. Learned rates give a target instead, <c>target: 0.5</c>
/// (of the model's MACs) or <c>target_gmacs: 2.9</c>; blocks in <c>exempt</c> (default [0])
/// keep every token, and the others learn their counts with candidates <c>granularity</c>
/// tokens apart; <c>reduce</c> says which of the two reductions learn (the other keeps every
/// token). The block's attention is computed on the tokens it receives; the reduction
/// runs after the attention's residual, before the MLP.
/// </summary>
public sealed class TokensAnnotation : AnnotationSchema<TokensSettings>
{
    public const string KindName = "tokens";

    public override string Name => KindName;

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        new ParamSpec("prune", ArgKind.Ints, Min: 1),
        new ParamSpec("merge", ArgKind.Ints, Min: 1),
        new ParamSpec("target", ArgKind.Float, Min: 0, Max: 1),
        new ParamSpec("target_gmacs", ArgKind.Float, Min: 0),
        ParamSpec.Int("granularity", 4, min: 1),
        new ParamSpec("exempt", ArgKind.Ints, new ListValue(new Value[] { ScalarValue.Int(0) }), Min: 0),
        ParamSpec.Word("reduce", "both", "prune", "merge"),
    };

    public override IReadOnlyCollection<string> Families { get; } = new[] { "attention" };

    public override string OnlyAbove => "a repeat of transformer blocks, or a model that has one";

    /// <summary>The model's token state and each block's share of the schedule.</summary>
    public override IReadOnlyCollection<string> ClassMembers { get; } = new[] { KindName };

    public override IReadOnlyCollection<string> RuntimeTypes { get; } = new[] { "TokenState", "TokenBlock", "TokenCost" };

    public override IReadOnlyList<DiagnosticDescriptor> Diagnostics => TokensDiagnostics.All;

    protected override TokensSettings Bind(BoundArguments args)
    {
        IReadOnlyList<long>? Counts(string name) => args[name].Value switch
        {
            ListValue l => l.Items.Cast<ScalarValue>().Select(v => v.AsLong).ToList(),
            ScalarValue one => new[] { one.AsLong },
            _ => null,
        };
        return new(Counts("prune"), Counts("merge"), args.Scalar("target")?.Concrete, args.Scalar("target_gmacs")?.Concrete,
            args.Scalar("granularity")!.AsLong, args.Ints("exempt", 1).Select(e => e.AsLong).ToList(), args.Word("reduce"));
    }

    /// <summary>A repeat whose blocks attend gets the schedule; one without attention leaves the kind for the repeats inside.</summary>
    protected override StackPlan? PlanStack(RepeatSite site, TokensSettings settings) =>
        site.Contains(LayerTraits.TokenMixing) ? TokenStack.Plan(site, settings) : null;

    public override AnnotationProblem? Validate(BoundArguments args)
    {
        var fixedRates = args["prune"].Value != null || args["merge"].Value != null;
        var target = args["target"].Value != null || args["target_gmacs"].Value != null;
        if (fixedRates && target)
            return new("@tokens takes either fixed kept counts (prune:, merge:) or a target (target:, target_gmacs:), not both", Descriptor: TokensDiagnostics.CountsAndTarget);
        if (!fixedRates && !target)
            return new("@tokens needs fixed kept counts (prune: [...], merge: [...]) or a target (target: 0.5 of the full MACs, or target_gmacs:)", Descriptor: TokensDiagnostics.NoSchedule);
        if (args["target"].Value != null && args["target_gmacs"].Value != null)
            return new("@tokens takes one target: target (a fraction) or target_gmacs", "target_gmacs", TokensDiagnostics.TwoTargets);
        if (fixedRates && args.IsExplicit("reduce"))
            return new("reduce: chooses which reductions learn; with fixed counts, give only the list you need (prune: or merge:)", "reduce", TokensDiagnostics.ReduceWithCounts);
        return null;
    }
}
