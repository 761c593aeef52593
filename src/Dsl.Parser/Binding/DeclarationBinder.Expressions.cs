using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Layers;
using Dsl.Parser.Semantics;
using Dsl.Parser.Syntax;

namespace Dsl.Parser.Binding;

/// <summary>Expressions: tensors, their arithmetic and broadcasting, concatenation and stacking, scalars and literals.</summary>
internal sealed partial class DeclarationBinder
{
    private static readonly ParamSpec JoinDim = ParamSpec.Int("dim", 1);

    /// <summary>A tensor expression; a pipeline writes its steps into <paramref name="target"/>.</summary>
    private TensorValue? EvaluateTensor(ExpressionSyntax expr, string? target)
    {
        switch (expr)
        {
            case NameSyntax n:
                if (_tensors.TryGetValue(n.Name.Text, out var t))
                {
                    _unread.Remove(n.Name.Text);
                    return t;
                }
                // Its statement failed and was reported: its shape is unknown, not its name.
                if (_failed.Contains(n.Name.Text)) return null;
                if (_parameters.TryGetValue(n.Name.Text, out var p))
                {
                    _diagnostics.Report(DiagnosticDescriptors.ValueKind, n.Span, "a tensor", n.Name.Text, $"{(p.Type == ScalarType.Int ? "an" : "a")} {p.TypeName}");
                    return null;
                }
                _diagnostics.Report(DiagnosticDescriptors.UnknownName, n.Span, n.Name.Text, Suggestions.DidYouMean(n.Name.Text, _tensors.Keys.Concat(_parameters.Keys)));
                return null;

            case PipelineSyntax pipe:
                var current = EvaluateTensor(pipe.Source, null);
                if (current == null) return null;
                var variable = target ?? Temporary();
                foreach (var stage in pipe.Stages)
                {
                    current = ApplyStage(current, stage, _fields, _scope);
                    if (current == null) return null;
                    Assign(variable, current.Code);
                    current = current with { Code = new VariableRef(variable) };
                }
                return current;

            case BinarySyntax b:
                return EvaluateArithmetic(b);

            case UnarySyntax { Operator: '-' } u:
                var operand = EvaluateTensor(u.Operand, null);
                return operand == null ? null : new TensorValue(operand.Shape, new TensorNegate(operand.Code));

            case CallSyntax c when LayerCatalog.IsFunction(c.Name.Text):
                return EvaluateJoin(c, stack: c.Name.Text == LayerCatalog.Stack);

            case CallSyntax c:
                var known = LayerCatalog.All.ContainsKey(c.Name.Text) || _file.FindBlock(c.Name.Text) != null;
                _diagnostics.Report(DiagnosticDescriptors.ValueKind, c.Name.Span, "a tensor", c.Name.Text + "(...)",
                    known ? $"a layer; apply it to a tensor with `x -> {c.Name.Text}(...)`" : "not a known function");
                return null;

            default:
                _diagnostics.Report(DiagnosticDescriptors.ValueKind, expr.Span, "a tensor", Excerpt(expr), "a number");
                return null;
        }
    }

    private static string Excerpt(ExpressionSyntax expr) => expr switch
    {
        NumberSyntax n => n.Text,
        BoolSyntax b => b.Value ? "true" : "false",
        NameSyntax n => n.Name.Text,
        _ => "this expression",
    };

    /// <summary>A size expression as written (<c>H * 2</c>), for messages about shapes.</summary>
    private static string SizeText(ExpressionSyntax expr) => expr switch
    {
        NumberSyntax n => n.Text,
        NameSyntax n => n.Name.Text,
        UnarySyntax u => "-" + SizeText(u.Operand),
        BinarySyntax { Left: var l, Right: var r } b => $"{SizeText(l)} {b.Operator} {(r is BinarySyntax ? "(" + SizeText(r) + ")" : SizeText(r))}",
        _ => "…",
    };

    private TensorValue? EvaluateArithmetic(BinarySyntax b)
    {
        var leftIsTensor = IsTensorExpression(b.Left);
        var rightIsTensor = IsTensorExpression(b.Right);
        if (!leftIsTensor && !rightIsTensor)
        {
            _diagnostics.Report(DiagnosticDescriptors.ValueKind, b.Span, "a tensor", "this expression", "a number");
            return null;
        }
        if (leftIsTensor && rightIsTensor)
        {
            var left = EvaluateTensor(b.Left, null);
            var right = EvaluateTensor(b.Right, null);
            if (left == null || right == null) return null;
            if (b.Operator == '/')
            {
                _diagnostics.Report(DiagnosticDescriptors.ValueKind, b.OperatorSpan, "'+', '-' or '*' between tensors", "/", "not element-wise here; scale by a number instead");
                return null;
            }
            var shape = Broadcast(b, left.Shape, right.Shape);
            return shape == null ? null : new TensorValue(shape, new TensorBinary(b.Operator, left.Code, right.Code));
        }
        var tensor = EvaluateTensor(leftIsTensor ? b.Left : b.Right, null);
        var scalar = EvaluateScalar(leftIsTensor ? b.Right : b.Left, null);
        if (tensor == null || scalar == null) return null;
        if (scalar is not ScalarValue { Type: ScalarType.Int or ScalarType.Float } number)
        {
            _diagnostics.Report(DiagnosticDescriptors.ValueKind, (leftIsTensor ? b.Right : b.Left).Span, "a tensor or a number", Excerpt(leftIsTensor ? b.Right : b.Left), ArgumentBinder.DescribeKind(scalar));
            return null;
        }
        if (!leftIsTensor && b.Operator == '/')
        {
            _diagnostics.Report(DiagnosticDescriptors.ValueKind, b.OperatorSpan, "a tensor on the left of '/'", "/", "dividing a number by a tensor");
            return null;
        }
        var expr = number.Type == ScalarType.Int && number.Expr.IsConstant ? ScalarExpr.Float(number.Concrete) : number.Expr;
        return new TensorValue(tensor.Shape, new TensorScale(b.Operator, tensor.Code, expr, !leftIsTensor));
    }

    private bool IsTensorExpression(ExpressionSyntax e) => e switch
    {
        NameSyntax n => !_parameters.ContainsKey(n.Name.Text),
        PipelineSyntax or CallSyntax => true,
        BinarySyntax b => IsTensorExpression(b.Left) || IsTensorExpression(b.Right),
        UnarySyntax u => IsTensorExpression(u.Operand),
        _ => false,
    };

    private Shape? Broadcast(BinarySyntax b, Shape left, Shape right)
    {
        var rank = System.Math.Max(left.Rank, right.Rank);
        var dims = new Dim[rank];
        for (var i = 1; i <= rank; i++)
        {
            var l = i <= left.Rank ? left[left.Rank - i] : null;
            var r = i <= right.Rank ? right[right.Rank - i] : null;
            Dim result;
            if (l == null) result = r!;
            else if (r == null) result = l;
            else if (l.IsBatch && r.IsBatch) result = l;
            else if (!l.IsBatch && !r.IsBatch && l.Value == r.Value) result = l;
            else if (!l.IsBatch && l.Value == 1) result = r;
            else if (!r.IsBatch && r.Value == 1) result = l;
            else
            {
                _diagnostics.Report(DiagnosticDescriptors.NotBroadcastable, b.OperatorSpan, b.Operator.ToString(), left, right, rank - i, l, r);
                return null;
            }
            dims[rank - i] = result;
        }
        return new Shape(dims);
    }

    /// <summary>
    /// concat(a, b, ..., dim:) joins along an existing dimension; stack(a, b, ..., dim:) along a new
    /// one (torch.stack), whose result keeps its features last, so linear over it is intended.
    /// </summary>
    private TensorValue? EvaluateJoin(CallSyntax c, bool stack)
    {
        var function = c.Name.Text;
        var tensors = new List<TensorValue>();
        long dim = 1;
        var ok = true;
        foreach (var arg in c.Arguments)
        {
            if (arg.Name == null)
            {
                var t = EvaluateTensor(arg.Value, null);
                if (t == null) ok = false; else tensors.Add(t);
                continue;
            }
            if (arg.Name.Text != JoinDim.Name)
            {
                _diagnostics.Report(DiagnosticDescriptors.UnknownArgument, arg.Name.Span, function, arg.Name.Text, Suggestions.DidYouMean(arg.Name.Text, new[] { "dim" }));
                ok = false;
                continue;
            }
            if (EvaluateScalar(arg.Value, JoinDim) is ScalarValue { Type: ScalarType.Int } d) dim = d.AsLong;
            else
            {
                _diagnostics.Report(DiagnosticDescriptors.ArgumentType, arg.Value.Span, "dim", function, "an int", "another value");
                ok = false;
            }
        }
        if (!ok) return null;
        if (tensors.Count < 2)
        {
            _diagnostics.Report(DiagnosticDescriptors.MissingArgument, c.Span, function, "tensors", "two or more tensors");
            return null;
        }
        var first = tensors[0].Shape;
        // A stack's result has one more dimension; dim counts in it, as torch.stack's does.
        var rank = stack ? first.Rank + 1 : first.Rank;
        var axis = dim < 0 ? dim + rank : dim;
        if (axis < 1 || axis >= rank)
        {
            _diagnostics.Report(DiagnosticDescriptors.ArgumentRange, c.Span, "dim", function, $"between 1 and {rank - 1} for {first}", dim.ToString());
            return null;
        }
        var total = stack ? new Size(tensors.Count, ScalarExpr.Int(tensors.Count)) : Size.Of(first[(int)axis]);
        foreach (var t in tensors.Skip(1))
        {
            var mismatch = t.Shape.Rank != first.Rank
                || Enumerable.Range(0, first.Rank).Any(i => (stack || i != axis) && (first[i].IsBatch != t.Shape[i].IsBatch || first[i].Value != t.Shape[i].Value));
            if (mismatch)
            {
                _diagnostics.Report(DiagnosticDescriptors.ShapeMismatch, c.Span, stack
                    ? $"stack needs tensors of one shape but got {first} and {t.Shape}"
                    : $"concat along dimension {axis} needs equal other dimensions but got {first} and {t.Shape}");
                return null;
            }
            if (!stack) total = total + Size.Of(t.Shape[(int)axis]);
        }
        var shape = stack ? first.Replace((int)axis, 0, new[] { total.ToDim() }) with { FeaturesLast = true } : first.With((int)axis, total.ToDim());
        return new TensorValue(shape, new TensorConcat(tensors.Select(t => t.Code).ToList(), axis, stack));
    }

    private Value? EvaluateArgument(ExpressionSyntax expr, ParamSpec spec) => EvaluateScalar(expr, spec);

    /// <summary>A number, flag, word or list; a bare unknown name is a word where one is expected.</summary>
    private Value? EvaluateScalar(ExpressionSyntax expr, ParamSpec? expected)
    {
        switch (expr)
        {
            case NumberSyntax n:
                return Literal(n, negative: false, _diagnostics);
            case BoolSyntax b:
                return ScalarValue.Bool(b.Value);
            case StringSyntax text when expected?.Kind == ArgKind.Word:
                return new WordValue(text.Value);
            case StringSyntax text:
                _diagnostics.Report(DiagnosticDescriptors.ValueKind, text.Span, expected?.KindName ?? "a number", $"\"{text.Value}\"", "a string; only word arguments such as padding_mode: \"reflect\" take strings (write numbers without quotes)");
                return null;
            case NameSyntax n:
                if (_parameters.TryGetValue(n.Name.Text, out var p)) return p;
                if (_tensors.TryGetValue(n.Name.Text, out var t))
                {
                    _diagnostics.Report(DiagnosticDescriptors.ValueKind, n.Span, expected?.KindName ?? "a number", n.Name.Text, $"a tensor {t.Shape}");
                    return null;
                }
                if (expected?.Kind == ArgKind.Word) return new WordValue(n.Name.Text);
                _diagnostics.Report(DiagnosticDescriptors.UnknownName, n.Span, n.Name.Text, Suggestions.DidYouMean(n.Name.Text, _parameters.Keys));
                return null;
            case ListSyntax l:
                var items = new List<Value>();
                foreach (var item in l.Items)
                {
                    var v = EvaluateScalar(item, null);
                    if (v == null) return null;
                    items.Add(v);
                }
                return new ListValue(items);
            case UnarySyntax { Operator: '-' } u:
                var operand = EvaluateScalar(u.Operand, expected);
                if (operand is ScalarValue { Type: ScalarType.Int or ScalarType.Float } s)
                    return new ScalarValue(-s.Concrete, s.Type, ScalarExpr.Binary('-', s.Type == ScalarType.Int ? ScalarExpr.Int(0) : ScalarExpr.Float(0), s.Expr));
                if (operand != null) _diagnostics.Report(DiagnosticDescriptors.ValueKind, u.Operand.Span, "a number", Excerpt(u.Operand), ArgumentBinder.DescribeKind(operand));
                return null;
            case BinarySyntax b:
                var left = EvaluateScalar(b.Left, null);
                var right = EvaluateScalar(b.Right, null);
                if (left == null || right == null) return null;
                if (left is not ScalarValue { Type: ScalarType.Int or ScalarType.Float } l2 || right is not ScalarValue { Type: ScalarType.Int or ScalarType.Float } r2)
                {
                    var bad = left is ScalarValue { Type: ScalarType.Int or ScalarType.Float } ? b.Right : b.Left;
                    _diagnostics.Report(DiagnosticDescriptors.ValueKind, bad.Span, "a number", Excerpt(bad), ArgumentBinder.DescribeKind(bad == b.Left ? left : right));
                    return null;
                }
                return Arithmetic(b, l2, r2);
            default:
                _diagnostics.Report(DiagnosticDescriptors.ValueKind, expr.Span, expected?.KindName ?? "a number", "this expression", "a tensor");
                return null;
        }
    }

    private ScalarValue? Arithmetic(BinarySyntax b, ScalarValue l, ScalarValue r)
    {
        var isInt = l.Type == ScalarType.Int && r.Type == ScalarType.Int;
        if (b.Operator == '/' && r.Concrete == 0)
        {
            _diagnostics.Report(DiagnosticDescriptors.NotDivisible, b.Span, "division by zero");
            return null;
        }
        if (b.Operator == '/' && isInt && l.AsLong % r.AsLong != 0)
        {
            _diagnostics.Report(DiagnosticDescriptors.NotDivisible, b.Span, $"{l.Describe()} / {r.Describe()} does not divide evenly; sizes must be whole numbers");
            return null;
        }
        var value = b.Operator switch
        {
            '+' => l.Concrete + r.Concrete,
            '-' => l.Concrete - r.Concrete,
            '*' => l.Concrete * r.Concrete,
            _ => l.Concrete / r.Concrete,
        };
        if (isInt ? !Limits.Fits(value) : double.IsInfinity(value))
        {
            _diagnostics.Report(DiagnosticDescriptors.OutOfRange, b.Span, $"{l.Describe()} {b.Operator} {r.Describe()} is {value:0.###e0}", Limits.MaxText);
            return null;
        }
        return new ScalarValue(value, isInt ? ScalarType.Int : ScalarType.Float, ScalarExpr.Binary(b.Operator, l.Expr, r.Expr));
    }

    /// <summary>A number as written; CM0033 past the limit (or a float past double's range).</summary>
    private static ScalarValue? Literal(NumberSyntax n, bool negative, DiagnosticBag diagnostics)
    {
        var sign = negative ? -1 : 1;
        if (n.IsInteger ? !Limits.Fits(n.Value) : double.IsInfinity(n.Value))
        {
            diagnostics.Report(DiagnosticDescriptors.OutOfRange, n.Span, $"{(negative ? "-" : "")}{Excerpt(n)} is too large", Limits.MaxText);
            return null;
        }
        return n.IsInteger ? ScalarValue.Int(sign * (long)n.Value) : ScalarValue.Float(sign * n.Value);
    }
}
