using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Semantics;
using Dsl.Parser.Syntax;
using Dsl.Parser.Text;

namespace Dsl.Parser.Binding;

/// <summary>A declaration's signature and inputs: parameters, defaults, and the shapes its inputs take from a model header or a call.</summary>
internal sealed partial class DeclarationBinder
{
    /// <summary>The parameters of this declaration as a signature for its callers.</summary>
    public static IReadOnlyList<ParamSpec>? Signature(DeclarationSyntax decl, DiagnosticBag diagnostics)
    {
        var specs = new List<ParamSpec>();
        var ok = true;
        var seen = new Dictionary<string, ParameterSyntax>();
        foreach (var p in decl.Parameters)
        {
            // Reported where the file is read (FileBinder), whether or not the declaration is used.
            if (seen.ContainsKey(p.Name.Text))
            {
                ok = false;
                continue;
            }
            seen[p.Name.Text] = p;
            var kind = ParameterKind(p.Type, diagnostics);
            if (kind == null) { ok = false; continue; }
            Value? defaultValue = null;
            if (p.Default != null)
            {
                defaultValue = ConstantDefault(p, kind.Value, diagnostics);
                if (defaultValue == null) { ok = false; continue; }
            }
            specs.Add(new ParamSpec(p.Name.Text, kind.Value, defaultValue, Required: p.Default == null));
        }
        return ok ? specs : null;
    }

    private static ArgKind? ParameterKind(Identifier type, DiagnosticBag diagnostics)
    {
        switch (type.Text)
        {
            case "int": return ArgKind.Int;
            case "float": return ArgKind.Float;
            case "bool": return ArgKind.Bool;
            default:
                diagnostics.Report(DiagnosticDescriptors.UnknownType, type.Span, type.Text);
                return null;
        }
    }

    // Defaults become C# default parameter values, so they must be constants.
    private static Value? ConstantDefault(ParameterSyntax p, ArgKind kind, DiagnosticBag diagnostics)
    {
        var expr = p.Default!;
        var negative = false;
        if (expr is UnarySyntax { Operator: '-' } u) { negative = true; expr = u.Operand; }
        if (expr is NumberSyntax n && (kind is ArgKind.Float || (kind is ArgKind.Int && n.IsInteger)))
        {
            if (Literal(n, negative, diagnostics) is not { } literal) return null;
            return kind is ArgKind.Float ? ScalarValue.Float(literal.Concrete) : literal;
        }
        Value? value = expr is BoolSyntax b && kind is ArgKind.Bool && !negative ? ScalarValue.Bool(b.Value) : null;
        if (value == null)
        {
            var expected = kind switch { ArgKind.Int => "an int constant", ArgKind.Float => "a number constant", _ => "true or false" };
            diagnostics.Report(DiagnosticDescriptors.ValueKind, p.Default!.Span, expected, p.Name.Text + " = ...", "not one");
        }
        return value;
    }

    private readonly Dictionary<string, ScalarValue> _inputSymbolValues = new();

    /// <summary>The inputs, which open the body; a block's first comes through '->', the others by name.</summary>
    private List<InputSyntax>? FindInputs()
    {
        var inputs = _decl.Body.OfType<InputSyntax>().ToList();
        if (inputs.Count == 0)
        {
            _diagnostics.Report(DiagnosticDescriptors.InputCount, _decl.Name.Span,
                $"{KindName} '{_decl.Name.Text}' declares no input; add one such as `input x: [N, 3, 32, 32]`");
            return null;
        }
        for (var i = 0; i < inputs.Count; i++)
        {
            if (_decl.Body[i] != inputs[i])
            {
                _diagnostics.Report(DiagnosticDescriptors.InputCount, inputs[i].Span, "inputs must be the first statements of the body");
                return null;
            }
        }
        return inputs;
    }

    /// <summary>A block's inputs after the first, passed by name in a call: <c>h -> Up(64, skip: e1)</c>.</summary>
    internal static IReadOnlyList<string> ExtraInputNames(DeclarationSyntax block) =>
        block.Body.OfType<InputSyntax>().Skip(1).Select(i => i.Name.Text).ToList();

    private string KindName => _decl.Kind == DeclarationKind.Model ? "model" : "block";

    private Shape? ModelInputShape(InputSyntax input)
    {
        var dims = new List<Dim>();
        for (var i = 0; i < input.Dimensions.Count; i++)
        {
            var d = input.Dimensions[i];
            if (i == 0)
            {
                if (d is NameSyntax n && !_parameters.ContainsKey(n.Name.Text)) { dims.Add(Dim.Batch(n.Name.Text)); continue; }
                _diagnostics.Report(DiagnosticDescriptors.InputDimension, d.Span, "the first dimension of an input is the batch: write a name such as N");
                return null;
            }
            if (d is NameSyntax unknown && !_parameters.ContainsKey(unknown.Name.Text))
            {
                _diagnostics.Report(DiagnosticDescriptors.InputDimension, d.Span,
                    $"dimension '{unknown.Name.Text}' of a model input must be known: a number or an expression of the model's parameters");
                return null;
            }
            var v = EvaluateScalar(d, null);
            if (v == null) return null;
            if (v is not ScalarValue { Type: ScalarType.Int } s || s.AsLong < 1)
            {
                _diagnostics.Report(DiagnosticDescriptors.InputDimension, d.Span, $"an input dimension must be a positive int, not {ArgumentBinder.DescribeKind(v)}");
                return null;
            }
            dims.Add(new Dim(s.AsLong, s.Expr));
        }
        if (dims.Count < 2)
        {
            _diagnostics.Report(DiagnosticDescriptors.InputDimension, input.Span, "an input needs the batch and at least one more dimension, as in [N, 784]");
            return null;
        }
        return new Shape(dims);
    }

    private Shape? BlockInputShape(InputSyntax input, Shape caller, TextSpan callSpan, Dictionary<string, ScalarExpr> callerTerms)
    {
        var layout = "[" + string.Join(", ", input.Dimensions.Select(SizeText)) + "]";
        if (caller.Rank != input.Dimensions.Count)
        {
            _diagnostics.ReportAtCall(DiagnosticDescriptors.ShapeMismatch, $"block {_decl.Name.Text} expects {layout} but got {caller}");
            return null;
        }
        var dims = new List<Dim>();
        for (var i = 0; i < caller.Rank; i++)
        {
            var d = input.Dimensions[i];
            var actual = caller[i];
            if (i == 0)
            {
                if (d is NameSyntax n && !_parameters.ContainsKey(n.Name.Text)) { dims.Add(Dim.Batch(n.Name.Text)); continue; }
                _diagnostics.Report(DiagnosticDescriptors.InputDimension, d.Span, "the first dimension of an input is the batch: write a name such as N");
                return null;
            }
            if (d is NameSyntax sym && !_parameters.ContainsKey(sym.Name.Text))
            {
                if (_inputSymbolValues.TryGetValue(sym.Name.Text, out var earlier))
                {
                    if (earlier.AsLong != actual.Value)
                    {
                        _diagnostics.ReportAtCall(DiagnosticDescriptors.ShapeMismatch,
                            $"block {_decl.Name.Text} expects {layout} with equal '{sym.Name.Text}' dimensions but got {caller}");
                        return null;
                    }
                    dims.Add(new Dim(actual.Value, new SymbolExpr(sym.Name.Text)));
                    continue;
                }
                var value = new ScalarValue(actual.Value, ScalarType.Int, new SymbolExpr(sym.Name.Text));
                _inputSymbolValues[sym.Name.Text] = value;
                _inputSymbols.Add(sym.Name.Text);
                callerTerms[sym.Name.Text] = actual.Expr;
                _parameters[sym.Name.Text] = value;
                dims.Add(new Dim(actual.Value, value.Expr));
                continue;
            }
            var expected = EvaluateScalar(d, null) as ScalarValue;
            if (expected == null) return null;
            if (expected.Type != ScalarType.Int || expected.AsLong != actual.Value)
            {
                _diagnostics.ReportAtCall(DiagnosticDescriptors.ShapeMismatch,
                    $"block {_decl.Name.Text} expects {layout} with dimension {i} = {expected.Describe()} but got {caller}");
                return null;
            }
            dims.Add(new Dim(actual.Value, expected.Expr));
        }
        return new Shape(dims);
    }
}
