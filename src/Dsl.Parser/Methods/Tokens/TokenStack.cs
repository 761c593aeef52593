using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Costs;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Methods;

/// <summary>
/// A @tokens schedule over one stack of blocks: a share per block, and the token state the class
/// holding the stack keeps (token sizes and class attention the blocks share; for learned rates,
/// the MACs outside the stack and the target).
/// </summary>
internal sealed class TokenStack : StackPlan
{
    private readonly BoundAnnotation _annotation;
    private readonly TokensSettings _settings;
    private readonly string _prefix;
    private readonly IReadOnlyList<TokenPlan> _plans;

    private TokenStack(BoundAnnotation annotation, TokensSettings settings, string prefix, IReadOnlyList<TokenPlan> plans) =>
        (_annotation, _settings, _prefix, _plans) = (annotation, settings, prefix, plans);

    /// <summary>
    /// The per-block plans for a repeat under @tokens, or null after reporting why the schedule
    /// does not fit: one entry per block, non-increasing, within the tokens entering the stack.
    /// </summary>
    public static TokenStack? Plan(RepeatSite site, TokensSettings settings)
    {
        var tokens = site.Annotation;
        var copies = site.Copies;
        if (site.Input.Rank != 3)
        {
            site.Fail(TokensDiagnostics.NotTokens, tokens.Span, $"@tokens needs tokens [N, T, C] entering the blocks but they get {site.Input}");
            return null;
        }
        var available = site.Input[1].Value;
        var args = tokens.Args!;
        var exempt = new HashSet<long>(settings.Exempt);
        if (exempt.Any(e => e >= copies))
        {
            site.Fail(TokensDiagnostics.ExemptOutOfRange, args.SpanOf("exempt"),
                $"@tokens exempt names block {exempt.First(e => e >= copies)} but the stack has blocks 0 to {copies - 1}");
            return null;
        }
        List<TokenPlan> plans;
        if (settings.Learned)
        {
            plans = Enumerable.Range(0, (int)copies)
                .Select(i => new TokenPlan(available, available, !exempt.Contains(i), settings.Granularity, costed: true, tokens, settings.Reduce))
                .ToList();
        }
        else
        {
            var lists = new Dictionary<string, IReadOnlyList<long>>();
            foreach (var (name, given) in new[] { ("prune", settings.Prune), ("merge", settings.Merge) })
            {
                var counts = Counts(site, name, given, available);
                if (counts == null) return null;
                lists[name] = counts;
            }
            WarnIfCountsRise(site, settings, available, lists["prune"], lists["merge"]);
            plans = Enumerable.Range(0, (int)copies).Select(i => new TokenPlan(lists["prune"][i], lists["merge"][i], false, 0, costed: false, tokens)).ToList();
        }
        if (!site.OneBlockPerCopy)
        {
            site.Fail(TokensDiagnostics.StageNotBlock, tokens.Span,
                "@tokens needs the repeated stage to be one block (with an attention layer), as in repeat(12) { EncoderBlock(384, 6) }");
            return null;
        }
        return new TokenStack(tokens, settings, site.Prefix, plans);
    }

    /// <summary>One list of kept counts (every token when it is not given), or null after reporting at its argument.</summary>
    private static IReadOnlyList<long>? Counts(RepeatSite site, string name, IReadOnlyList<long>? counts, long available)
    {
        if (counts == null) return Enumerable.Repeat(available, (int)site.Copies).ToList();
        var span = site.Annotation.Args!.SpanOf(name);
        if (counts.Count != site.Copies)
        {
            site.Fail(TokensDiagnostics.CountPerBlock, span, $"@tokens {name} needs one kept count per block ({site.Copies}) but has {counts.Count}");
            return null;
        }
        for (var i = 0; i < counts.Count; i++)
        {
            if (counts[i] > available)
            {
                site.Fail(TokensDiagnostics.MoreThanEnter, span, $"@tokens {name}[{i}] keeps {counts[i]} tokens but only {available} enter the blocks");
                return null;
            }
        }
        return counts;
    }

    /// <summary>
    /// A block keeps min(tokens entering, prune, merge), as DiffRate's reference does, so a list
    /// may rise (the authors publish such schedules); say what the block really keeps.
    /// </summary>
    private static void WarnIfCountsRise(RepeatSite site, TokensSettings settings, long available, IReadOnlyList<long> prune, IReadOnlyList<long> merge)
    {
        var (effectivePrune, effectiveMerge) = EffectiveSchedule(available, prune, merge);
        if (effectivePrune.SequenceEqual(prune) && effectiveMerge.SequenceEqual(merge)) return;
        var args = site.Annotation.Args!;
        var span = effectivePrune.SequenceEqual(prune) || settings.Prune == null ? args.SpanOf("merge") : args.SpanOf("prune");
        site.Diagnostics.Report(site.Annotation.Source, TokensDiagnostics.CountsRise, span,
            $"@tokens(prune: [{string.Join(", ", effectivePrune)}], merge: [{string.Join(", ", effectiveMerge)}])");
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

    public override BlockShare ShareOf(int copy) => _plans[copy];

    /// <summary>A @tokens stack starts with every token standing for one patch.</summary>
    public override TensorExpr Enter(TensorExpr input) => new MethodCall(TokensAnnotation.KindName, "Start", new[] { new TensorOperand(input) });

    /// <summary>The token state, checking a learned target against the full cost and the least this stack can cost.</summary>
    public override MethodMember? ClassMember(IReadOnlyList<LayerCost> costs, DiagnosticBag diagnostics)
    {
        var total = costs.Sum(c => (double)c.Macs);
        var stack = costs.Where(c => c.Path.StartsWith(_prefix, System.StringComparison.Ordinal)).Sum(c => (double)c.Macs);
        // Fixed counts have no target; a target of 0 is checked like any other (it is below the least).
        double? target = null;
        if (_settings.Target is { } fraction) target = fraction * total;
        if (_settings.TargetGmacs is { } gmacs) target = gmacs * 1e9;
        if (target >= total)
        {
            diagnostics.Report(_annotation.Source, TokensDiagnostics.TargetNotBelowFull, _annotation.Span,
                $"@tokens target {target / 1e9:0.######} GMACs must be below the full cost, {total / 1e9:0.######} GMACs");
            return null;
        }
        var fixedMacs = total - stack;
        if (target != null && LeastMacs(fixedMacs) is { } least && target < least)
        {
            diagnostics.Report(_annotation.Source, TokensDiagnostics.TargetBelowLeast, _annotation.Span,
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
        if (_plans.Any(p => p.Bound?.Cost == null)) return null;
        double n = _plans[0].Bound!.Value.Patches + 1;
        var macs = fixedMacs;
        foreach (var plan in _plans)
        {
            var (patches, cost) = plan.Bound!.Value;
            macs += cost!.PerToken * n + cost.PerTokenPair * n * n;
            var smallest = plan.Learned ? (patches - 1) % plan.Granularity + 1 + 1 : System.Math.Min(plan.Prune, plan.Merge);
            n = System.Math.Min(n, smallest);
            macs += cost.PerTokenAfter * n;
        }
        return macs;
    }
}
