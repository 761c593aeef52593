using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Layers;
using Dsl.Parser.Methods;
using Dsl.Parser.Semantics;
using Dsl.Parser.Syntax;

namespace Dsl.Parser.Binding;

/// <summary>DiffRate's token schedule (@tokens): checked per stack, applied per block.</summary>
internal sealed partial class DeclarationBinder
{
    /// <summary>
    /// The per-copy plans for a repeat under @tokens, or null after reporting why the schedule
    /// does not fit: one entry per block, non-increasing, within the tokens entering the stack.
    /// </summary>
    private List<TokenPlan>? TokenPlans(BoundAnnotation tokens, long copies, Shape input)
    {
        if (input.Rank != 3)
        {
            _diagnostics.Report(tokens.Source, TokensDiagnostics.NotTokens, tokens.Span, $"@tokens needs tokens [N, T, C] entering the blocks but they get {input}");
            return null;
        }
        var available = input[1].Value;
        var args = tokens.Args!;
        var exempt = new HashSet<long>(args.Ints("exempt", 1).Select(e => e.AsLong));
        if (exempt.Any(e => e >= copies))
        {
            _diagnostics.Report(TokensDiagnostics.ExemptOutOfRange, args.SpanOf("exempt"),
                $"@tokens exempt names block {exempt.First(e => e >= copies)} but the stack has blocks 0 to {copies - 1}");
            return null;
        }
        if (args["target"].Value != null || args["target_gmacs"].Value != null)
        {
            var granularity = args.Scalar("granularity")!.AsLong;
            return Enumerable.Range(0, (int)copies)
                .Select(i => new TokenPlan(available, available, !exempt.Contains(i), granularity, Costed: true, tokens, args.Word("reduce")))
                .ToList();
        }
        var lists = new Dictionary<string, IReadOnlyList<long>>();
        foreach (var name in new[] { "prune", "merge" })
        {
            var value = tokens.Args![name].Value;
            if (value == null)
            {
                lists[name] = Enumerable.Repeat(available, (int)copies).ToList();
                continue;
            }
            var counts = value is ListValue l ? l.Items.Cast<ScalarValue>().Select(v => v.AsLong).ToList() : new List<long> { ((ScalarValue)value).AsLong };
            var span = tokens.Args[name].Span;
            if (counts.Count != copies)
            {
                _diagnostics.Report(TokensDiagnostics.CountPerBlock, span, $"@tokens {name} needs one kept count per block ({copies}) but has {counts.Count}");
                return null;
            }
            for (var i = 0; i < counts.Count; i++)
            {
                if (counts[i] > available)
                {
                    _diagnostics.Report(TokensDiagnostics.MoreThanEnter, span, $"@tokens {name}[{i}] keeps {counts[i]} tokens but only {available} enter the blocks");
                    return null;
                }
            }
            lists[name] = counts;
        }
        WarnIfCountsRise(tokens, available, lists["prune"], lists["merge"]);
        return Enumerable.Range(0, (int)copies).Select(i => new TokenPlan(lists["prune"][i], lists["merge"][i], false, 0, Costed: false, tokens)).ToList();
    }

    /// <summary>
    /// A block keeps min(tokens entering, prune, merge), as DiffRate's reference does, so a list
    /// may rise (the authors publish such schedules); say what the block really keeps.
    /// </summary>
    private void WarnIfCountsRise(BoundAnnotation tokens, long available, IReadOnlyList<long> prune, IReadOnlyList<long> merge)
    {
        var (effectivePrune, effectiveMerge) = EffectiveSchedule(available, prune, merge);
        if (effectivePrune.SequenceEqual(prune) && effectiveMerge.SequenceEqual(merge)) return;
        var args = tokens.Args!;
        var span = effectivePrune.SequenceEqual(prune) || args["prune"].Value == null ? args.SpanOf("merge") : args.SpanOf("prune");
        _diagnostics.Report(TokensDiagnostics.CountsRise, span,
            $"@tokens(prune: [{string.Join(", ", effectivePrune)}], merge: [{string.Join(", ", effectiveMerge)}])");
    }

    /// <summary>After the statement holding the block's attention: keep min(T, prune, merge) tokens.</summary>
    private TensorValue? ReduceTokens(TensorValue value, AssignmentSyntax statement)
    {
        _tokensReduced = true;
        _costRowsBeforeReduction = _fields.Costs.Count;
        if (value.Shape.Rank != 3)
        {
            _diagnostics.Report(TokensDiagnostics.ReducedNotTokens, statement.Span, $"@tokens reduces tokens [N, T, C] but '{statement.Name.Text}' is {value.Shape}");
            return null;
        }
        var kept = System.Math.Min(value.Shape[1].Value, System.Math.Min(_tokenPlan!.Prune, _tokenPlan.Merge));
        _tokensAfterReduction = kept;
        // Prune and merge after the block's attention (a block used without a schedule passes tokens through).
        Assign(statement.Name.Text, new MethodCall(null, "TokenBlock.Reduce", new CallOperand[] { new NameOperand(TokensAnnotation.KindName), new TensorOperand(value.Code) }));
        return new TensorValue(value.Shape.With(1, new Dim(kept, ScalarExpr.Int(kept))), value.Code);
    }

    /// <summary>This block's cost as a function of its tokens, from its layers' costs on the tokens they got.</summary>
    private TokenCostModel BlockCost(long tokensIn, long tokensAfter)
    {
        double perToken = 0, perPair = 0, after = 0;
        for (var i = 0; i < _fields.Costs.Count; i++)
        {
            var row = _fields.Costs[i];
            if (i >= _costRowsBeforeReduction)
            {
                after += row.Macs / (double)tokensAfter;
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

    /// <summary>
    /// The stack's token state the class holds (what its blocks share; for learned rates the MACs
    /// outside the stack and the target, checked against the full cost).
    /// </summary>
    private MethodMember? TokenStateFor(IReadOnlyList<Costs.LayerCost> costs)
    {
        if (_tokenStack == null) return null;
        var (prefix, annotation, _) = _tokenStack.Value;
        var total = costs.Sum(c => (double)c.Macs);
        var stack = costs.Where(c => c.Path.StartsWith(prefix, System.StringComparison.Ordinal)).Sum(c => (double)c.Macs);
        var args = annotation.Args!;
        // Fixed counts have no target; a target of 0 is checked like any other (it is below the least).
        double? target = null;
        if (args.Scalar("target") is { } fraction) target = fraction.Concrete * total;
        if (args.Scalar("target_gmacs") is { } gmacs) target = gmacs.Concrete * 1e9;
        if (target >= total)
        {
            _diagnostics.Report(annotation.Source, TokensDiagnostics.TargetNotBelowFull, annotation.Span,
                $"@tokens target {target / 1e9:0.######} GMACs must be below the full cost, {total / 1e9:0.######} GMACs");
            return null;
        }
        var fixedMacs = total - stack;
        if (target != null && LeastMacs(fixedMacs) is { } least && target < least)
        {
            _diagnostics.Report(annotation.Source, TokensDiagnostics.TargetBelowLeast, annotation.Span,
                $"@tokens target {target / 1e9:0.######} GMACs is below the least this stack can cost, {least / 1e9:0.######} GMACs (exempt blocks keep every token and each block attends to the tokens it receives)");
            return null;
        }
        var state = target is { } aim
            ? new[] { new ConstructionArg("fixed_macs", new RealCode(fixedMacs)), new ConstructionArg("target_macs", new RealCode(aim)) }
            : new ConstructionArg[0];
        return new MethodMember(TokensAnnotation.KindName, "TokenState", state,
            "What the blocks of the @tokens stack share: token sizes, class attention, learned rates.",
            "Tokens", "The @tokens stack's state: its learned schedule and expected MACs.");
    }

    /// <summary>The stack's cost when every learning block keeps as few tokens as its candidates allow.</summary>
    private double? LeastMacs(double fixedMacs)
    {
        var plans = _tokenStack!.Value.Plans;
        if (plans.Any(p => p.Bound?.Cost == null)) return null;
        double n = plans[0].Bound!.Value.Patches + 1;
        var macs = fixedMacs;
        foreach (var plan in plans)
        {
            var (patches, cost) = plan.Bound!.Value;
            macs += cost!.PerToken * n + cost.PerTokenPair * n * n;
            var smallest = plan.Learned ? (patches - 1) % plan.Granularity + 1 + 1 : System.Math.Min(plan.Prune, plan.Merge);
            n = System.Math.Min(n, smallest);
            macs += cost.PerTokenAfter * n;
        }
        return macs;
    }

    /// <summary>Tokens after pruning and after merging in each block: counts above what enters a block change nothing.</summary>
    internal static (List<long> Prune, List<long> Merge) EffectiveSchedule(long available, IReadOnlyList<long> prune, IReadOnlyList<long> merge)
    {
        var effectivePrune = new List<long>(prune.Count);
        var effectiveMerge = new List<long>(merge.Count);
        var entering = available;
        for (var i = 0; i < prune.Count; i++)
        {
            var pruned = System.Math.Min(entering, prune[i]);
            entering = System.Math.Min(pruned, merge[i]);
            effectivePrune.Add(pruned);
            effectiveMerge.Add(entering);
        }
        return (effectivePrune, effectiveMerge);
    }
}
