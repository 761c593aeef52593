using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Diagnostics;
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
            _diagnostics.Report(DiagnosticDescriptors.AnnotationArguments, tokens.Span, $"@tokens needs tokens [N, T, C] entering the blocks but they get {input}");
            return null;
        }
        var available = input[1].Value;
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
                _diagnostics.Report(DiagnosticDescriptors.AnnotationArguments, span, $"@tokens {name} needs one kept count per block ({copies}) but has {counts.Count}");
                return null;
            }
            for (var i = 0; i < counts.Count; i++)
            {
                if (counts[i] > available)
                {
                    _diagnostics.Report(DiagnosticDescriptors.AnnotationArguments, span, $"@tokens {name}[{i}] keeps {counts[i]} tokens but only {available} enter the blocks");
                    return null;
                }
                if (i > 0 && counts[i] > counts[i - 1])
                {
                    _diagnostics.Report(DiagnosticDescriptors.AnnotationArguments, span, $"@tokens {name} must not increase: block {i} keeps {counts[i]} after block {i - 1} kept {counts[i - 1]}");
                    return null;
                }
            }
            lists[name] = counts;
        }
        return Enumerable.Range(0, (int)copies).Select(i => new TokenPlan(lists["prune"][i], lists["merge"][i], tokens)).ToList();
    }

    /// <summary>After the statement holding the block's attention: keep min(T, prune, merge) tokens.</summary>
    private TensorValue? ReduceTokens(TensorValue value, AssignmentSyntax statement)
    {
        _tokensReduced = true;
        if (value.Shape.Rank != 3)
        {
            _diagnostics.Report(DiagnosticDescriptors.AnnotationArguments, statement.Span, $"@tokens reduces tokens [N, T, C] but '{statement.Name.Text}' is {value.Shape}");
            return null;
        }
        var kept = System.Math.Min(value.Shape[1].Value, System.Math.Min(_tokenPlan!.Prune, _tokenPlan.Merge));
        Assign(statement.Name.Text, new TokensReduce(value.Code));
        return new TensorValue(value.Shape.With(1, new Dim(kept, ScalarExpr.Int(kept))), value.Code);
    }
}
