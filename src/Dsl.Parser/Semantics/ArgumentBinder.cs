using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Syntax;
using Dsl.Parser.Text;

namespace Dsl.Parser.Semantics;

/// <summary>Matches written arguments to a signature and checks their kinds and ranges.</summary>
internal static class ArgumentBinder
{
    public static BoundArguments? Bind(
        string owner,
        IReadOnlyList<ParamSpec> specs,
        IReadOnlyList<ArgumentSyntax> args,
        TextSpan callSpan,
        Func<ExpressionSyntax, ParamSpec, Value?> evaluate,
        DiagnosticBag diagnostics)
    {
        var ok = true;
        var given = new Dictionary<string, (ArgumentSyntax Syntax, Value? Value)>();
        var position = 0;
        var seenNamed = false;
        foreach (var arg in args)
        {
            ParamSpec? spec;
            if (arg.Name == null)
            {
                if (seenNamed)
                {
                    diagnostics.Report(DiagnosticDescriptors.Syntax, arg.Span, $"expected a named argument (name: value) after named arguments, found a positional one");
                    ok = false;
                    continue;
                }
                if (position >= specs.Count)
                {
                    diagnostics.Report(DiagnosticDescriptors.TooManyArguments, arg.Span, owner, specs.Count, specs.Count == 1 ? "" : "s", args.Count(a => a.Name == null));
                    ok = false;
                    break;
                }
                spec = specs[position++];
            }
            else
            {
                seenNamed = true;
                spec = specs.FirstOrDefault(s => s.Name == arg.Name.Text);
                if (spec == null)
                {
                    var meant = specs.FirstOrDefault(s => s.Aliases?.Contains(arg.Name.Text) == true);
                    diagnostics.Report(DiagnosticDescriptors.UnknownArgument, arg.Name.Span, owner, arg.Name.Text,
                        meant != null ? $"; did you mean '{meant.Name}'?" : Suggestions.DidYouMean(arg.Name.Text, specs.Select(s => s.Name)));
                    ok = false;
                    continue;
                }
            }
            if (given.ContainsKey(spec.Name))
            {
                diagnostics.Report(DiagnosticDescriptors.DuplicateArgument, arg.Span, spec.Name, owner);
                ok = false;
                continue;
            }
            var value = evaluate(arg.Value, spec);
            if (value == null) { ok = false; given[spec.Name] = (arg, null); continue; }
            value = Check(owner, spec, value, arg.Value.Span, diagnostics);
            if (value == null) ok = false;
            given[spec.Name] = (arg, value);
        }

        var bound = new List<BoundArgument>();
        foreach (var spec in specs)
        {
            if (given.TryGetValue(spec.Name, out var g))
            {
                bound.Add(new BoundArgument(spec, g.Value, g.Syntax.Span, true));
            }
            else
            {
                if (spec.Required)
                {
                    diagnostics.Report(DiagnosticDescriptors.MissingArgument, callSpan, owner, spec.Name, spec.KindName);
                    ok = false;
                }
                bound.Add(new BoundArgument(spec, spec.Default, callSpan, false));
            }
        }
        return ok ? new BoundArguments(bound, callSpan) : null;
    }

    private static Value? Check(string owner, ParamSpec spec, Value value, TextSpan span, DiagnosticBag diagnostics)
    {
        Value? result = spec.Kind switch
        {
            ArgKind.Int => value is ScalarValue { Type: ScalarType.Int } ? value : null,
            ArgKind.Float => value is ScalarValue { Type: ScalarType.Int or ScalarType.Float } s
                ? new ScalarValue(s.Concrete, ScalarType.Float, s.Expr.IsConstant ? ScalarExpr.Float(s.Concrete) : s.Expr)
                : null,
            ArgKind.Bool => value is ScalarValue { Type: ScalarType.Bool } ? value : null,
            ArgKind.Floats => Numbers(value),
            ArgKind.Ints => value is ScalarValue { Type: ScalarType.Int }
                || (value is ListValue l && l.Items.Count > 0 && l.Items.All(i => i is ScalarValue { Type: ScalarType.Int })) ? value : null,
            _ => value is WordValue ? value : null,
        };
        if (result == null)
        {
            diagnostics.Report(DiagnosticDescriptors.ArgumentType, span, spec.Name, owner, spec.KindName, DescribeKind(value));
            return null;
        }
        if (result is WordValue w && spec.Words != null && !spec.Words.Contains(w.Word))
        {
            diagnostics.Report(DiagnosticDescriptors.ArgumentRange, span, spec.Name, owner,
                "one of " + string.Join(", ", spec.Words), w.Word + Suggestions.DidYouMean(w.Word, spec.Words).Replace(";", ","));
            return null;
        }
        var scalars = result switch
        {
            ScalarValue s => new[] { s },
            ListValue l => l.Items.OfType<ScalarValue>().ToArray(),
            _ => new ScalarValue[0],
        };
        foreach (var s in scalars)
        {
            if ((spec.Min != null && s.Concrete < spec.Min) || (spec.Max != null && s.Concrete > spec.Max))
            {
                diagnostics.Report(DiagnosticDescriptors.ArgumentRange, span, spec.Name, owner, DescribeRange(spec), s.Describe());
                return null;
            }
        }
        return result;
    }

    /// <summary>A number or a non-empty list of numbers, as a list of reals; null for anything else.</summary>
    private static ListValue? Numbers(Value value)
    {
        var items = value switch
        {
            ScalarValue s => new[] { s },
            ListValue l when l.Items.Count > 0 => l.Items.OfType<ScalarValue>().Count() == l.Items.Count ? l.Items.Cast<ScalarValue>().ToArray() : null,
            _ => null,
        };
        if (items == null || items.Any(s => s.Type is not (ScalarType.Int or ScalarType.Float))) return null;
        return new ListValue(items.Select(s => (Value)new ScalarValue(s.Concrete, ScalarType.Float, ScalarExpr.Float(s.Concrete))).ToList());
    }

    private static string DescribeRange(ParamSpec spec)
    {
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        if (spec.Min != null && spec.Max != null) return $"between {F(spec.Min.Value)} and {F(spec.Max.Value)}";
        return spec.Min != null ? $"at least {F(spec.Min.Value)}" : $"at most {F(spec.Max!.Value)}";
    }

    internal static string DescribeKind(Value value) => value switch
    {
        ScalarValue s => $"{s.TypeName} {s.Describe()}",
        WordValue w => $"the word '{w.Word}'",
        ListValue l => $"the list {l.Describe()}",
        TensorValue t => $"a tensor {t.Shape}",
        _ => "a value",
    };
}
