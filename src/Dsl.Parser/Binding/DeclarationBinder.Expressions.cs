using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Costs;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Layers;
using Dsl.Parser.Methods;
using Dsl.Parser.Semantics;
using Dsl.Parser.Syntax;

namespace Dsl.Parser.Binding;

internal sealed partial class DeclarationBinder
{
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

            case CallSyntax c when c.Name.Text == LayerCatalog.Concat:
                return EvaluateConcat(c);

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

    private TensorValue? EvaluateConcat(CallSyntax c)
    {
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
            if (arg.Name.Text != ConcatDim.Name)
            {
                _diagnostics.Report(DiagnosticDescriptors.UnknownArgument, arg.Name.Span, "concat", arg.Name.Text, Suggestions.DidYouMean(arg.Name.Text, new[] { "dim" }));
                ok = false;
                continue;
            }
            if (EvaluateScalar(arg.Value, ConcatDim) is ScalarValue { Type: ScalarType.Int } d) dim = d.AsLong;
            else
            {
                _diagnostics.Report(DiagnosticDescriptors.ArgumentType, arg.Value.Span, "dim", "concat", "an int", "another value");
                ok = false;
            }
        }
        if (!ok) return null;
        if (tensors.Count < 2)
        {
            _diagnostics.Report(DiagnosticDescriptors.MissingArgument, c.Span, "concat", "tensors", "two or more tensors");
            return null;
        }
        var first = tensors[0].Shape;
        var axis = dim < 0 ? dim + first.Rank : dim;
        if (axis < 1 || axis >= first.Rank)
        {
            _diagnostics.Report(DiagnosticDescriptors.ArgumentRange, c.Span, "dim", "concat", $"between 1 and {first.Rank - 1} for {first}", dim.ToString());
            return null;
        }
        var total = Size.Of(first[(int)axis]);
        foreach (var t in tensors.Skip(1))
        {
            var mismatch = t.Shape.Rank != first.Rank
                || Enumerable.Range(0, first.Rank).Any(i => i != axis && (first[i].IsBatch != t.Shape[i].IsBatch || first[i].Value != t.Shape[i].Value));
            if (mismatch)
            {
                _diagnostics.Report(DiagnosticDescriptors.ShapeMismatch, c.Span, $"concat along dimension {axis} needs equal other dimensions but got {first} and {t.Shape}");
                return null;
            }
            total = total + Size.Of(t.Shape[(int)axis]);
        }
        return new TensorValue(first.With((int)axis, total.ToDim()), new TensorConcat(tensors.Select(t => t.Code).ToList(), axis));
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

    /// <summary>A layer's shape and cost, or null after CM0033 where a figure passes the limit (checked arithmetic throws rather than wraps).</summary>
    private LayerResult? BindWithinLimits(LayerSpec spec, LayerBinding binding)
    {
        string? excess;
        LayerResult? result = null;
        try
        {
            result = spec.Bind(binding);
            excess = result == null ? null : Limits.Excess(result.Output, result.Macs, result.Params);
        }
        catch (System.ArithmeticException)
        {
            excess = "sizes or costs past 64 bits";
        }
        if (excess == null) return result;
        _diagnostics.Report(DiagnosticDescriptors.OutOfRange, binding.Span, $"{spec.Name} on {binding.Input} gives {excess}", Limits.MaxText);
        return null;
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

    /// <summary>Applies one stage to a tensor, adding the field(s) and cost rows it creates.</summary>
    private TensorValue? ApplyStage(TensorValue input, StageSyntax stage, FieldCollector fields, AnnotationScope scope, IReadOnlyList<BlockShare>? shares = null)
    {
        switch (stage)
        {
            case RepeatStageSyntax repeat:
                return ApplyRepeat(input, repeat, fields, scope);
            case LayerStageSyntax layer when LayerCatalog.All.TryGetValue(layer.Name.Text, out var spec):
                return ApplyLayer(input, layer, spec, fields, scope);
            case LayerStageSyntax call when _file.FindBlock(call.Name.Text) is { } block:
                return ApplyBlock(input, call, block, fields, scope, shares ?? new BlockShare[0]);
            case LayerStageSyntax concat when concat.Name.Text == LayerCatalog.Concat:
                _diagnostics.Report(DiagnosticDescriptors.ValueKind, concat.Name.Span, "a layer or block", "concat",
                    "a function of several tensors; write `concat(a, b, dim: 1)` as an expression");
                return null;
            case LayerStageSyntax unknown:
                _diagnostics.Report(DiagnosticDescriptors.UnknownLayer, unknown.Name.Span, unknown.Name.Text,
                    LayerCatalog.Suggest(unknown.Name.Text, _file.BlockNames));
                return null;
            default:
                return null;
        }
    }

    private TensorValue? ApplyLayer(TensorValue input, LayerStageSyntax stage, LayerSpec spec, FieldCollector fields, AnnotationScope scope)
    {
        _file.CountLayer();
        var own = BindAnnotations(stage.Annotations, spec, $"{spec.Name} ({spec.Family})");
        var args = ArgumentBinder.Bind(spec.Name, spec.Parameters, stage.Arguments, stage.Name.Span, EvaluateArgument, _diagnostics);
        if (args == null) return null;
        var binding = new LayerBinding(spec, input.Shape, args, stage.Name.Span, _diagnostics);
        var result = BindWithinLimits(spec, binding);
        if (result == null) return null;

        var name = fields.Name(stage.Alias, spec.Name);
        var constructionArgs = binding.Inferred.Concat(args.Ordered.Where(a => a.Explicit).Select(a => new ConstructionArg(a.Spec.Name, Code(a.Value!)))).ToList();
        foreach (var share in _shares) constructionArgs.AddRange(share.LayerArguments(spec));
        var effective = scope.Overlay(own).For(spec.Family);
        foreach (var a in effective)
        {
            _file.Used(a);
            if (a.Schema!.CheckTarget(a.Args!, spec.Family) is { } misfit) _file.ReportOnce(a, misfit.Descriptor ?? DiagnosticDescriptors.AnnotationArguments, misfit.Message);
        }
        var applied = effective.Select(a => a.ToApplied()).ToList();
        var layer = new LayerConstruction(spec.Name, spec.Style, constructionArgs);
        Construction construction = layer;
        var converting = effective.Where(a => a.Schema!.RuntimeFunction != null).OrderBy(a => a.Schema!.ConversionOrder).ToList();
        if (Conflict(converting) is var (first, second))
        {
            _file.ReportOnce(second, DiagnosticDescriptors.ConflictingAnnotations, first.Kind, second.Kind, spec.Name, fields.PathPrefix + name);
        }
        else if (converting.Count > 0)
        {
            construction = new CompressedConstruction(layer, converting.Select(a => new Conversion(
                new CallCode(a.Schema!.RuntimeFunction!, a.Args!.Ordered.Select(arg => new ConstructionArg(arg.Spec.Name, arg.Value == null ? new NullCode() : Code(arg.Value))).ToList()),
                a.Schema.VariantName(a.Args))).ToList());
        }
        fields.Fields.Add(new FieldModel(name, construction, applied));

        var cost = new LayerCost(fields.PathPrefix + name, spec.Name, result.Output, result.Macs, result.Params, applied, new string[0]);
        foreach (var a in effective) cost = a.Schema!.AdjustCost(cost, a.Args!, new LayerContext(spec, args, input.Shape, result));
        fields.Costs.Add(cost);
        return new TensorValue(result.Output, new ApplyField(name, spec.Style, spec.Name, input.Code));
    }

    /// <summary>Two methods reaching one layer that one of them declares it cannot share a layer with, in kind order.</summary>
    private static (BoundAnnotation, BoundAnnotation)? Conflict(IReadOnlyList<BoundAnnotation> methods)
    {
        var ordered = methods.OrderBy(a => a.Kind, System.StringComparer.Ordinal).ToList();
        foreach (var a in ordered)
        {
            foreach (var b in ordered.Where(b => string.CompareOrdinal(a.Kind, b.Kind) < 0))
            {
                if (a.Schema!.ConflictsWith.Contains(b.Kind) || b.Schema!.ConflictsWith.Contains(a.Kind)) return (a, b);
            }
        }
        return null;
    }

    private static ArgCode Code(Value value) => value switch
    {
        ScalarValue s => new ScalarCode(s.Expr),
        WordValue w => new WordCode(w.Word),
        ListValue l => new ListCode(l.Items.Cast<ScalarValue>().Select(i => i.Expr).ToList()),
        _ => throw new System.InvalidOperationException("tensors are not constructor arguments"),
    };

    private TensorValue? ApplyBlock(TensorValue input, LayerStageSyntax stage, DeclarationSyntax block, FieldCollector fields, AnnotationScope scope, IReadOnlyList<BlockShare> shares)
    {
        var own = BindAnnotations(stage.Annotations, target: null, $"the call of '{block.Name.Text}'");
        foreach (var a in own) _file.Placed(a, $"the call of '{block.Name.Text}'");
        var signature = Signature(block, _diagnostics);
        if (signature == null) return null;
        // A block's inputs after the first are passed by name: h -> Up(64, skip: e1).
        var extraNames = ExtraInputNames(block);
        var tensorArgs = stage.Arguments.Where(a => a.Name != null && extraNames.Contains(a.Name.Text)).ToList();
        var args = ArgumentBinder.Bind(block.Name.Text, signature, stage.Arguments.Except(tensorArgs).ToList(), stage.Name.Span, EvaluateArgument, _diagnostics);
        var extras = new Dictionary<string, TensorValue>();
        foreach (var a in tensorArgs)
        {
            if (extras.ContainsKey(a.Name!.Text))
            {
                _diagnostics.Report(DiagnosticDescriptors.DuplicateArgument, a.Span, a.Name.Text, block.Name.Text);
                return null;
            }
            var tensor = EvaluateTensor(a.Value, null);
            if (tensor == null) return null;
            extras[a.Name.Text] = tensor;
        }
        if (args == null) return null;
        if (extraNames.FirstOrDefault(n => !extras.ContainsKey(n)) is { } missing)
        {
            _diagnostics.Report(DiagnosticDescriptors.MissingArgument, stage.Name.Span, block.Name.Text, missing,
                $"a tensor: its input '{missing}', as in {block.Name.Text}(..., {missing}: h)");
            return null;
        }
        // Its syntax errors are reported; what it computes is unknown, so nothing after it is checked.
        if (block.HasSyntaxErrors)
        {
            if (_file.LibraryPath(block) is { } library)
                _diagnostics.Report(DiagnosticDescriptors.LibraryBlockErrors, stage.Name.Span, block.Name.Text, System.IO.Path.GetFileName(library));
            return null;
        }
        if (!_file.Enter(block, stage.Name.Span)) return null;
        var name = fields.Name(stage.Alias, Naming.Snake(block.Name.Text));
        try
        {
            var binder = new DeclarationBinder(_file, block, fields.PathPrefix + name + ".", scope.Overlay(own), shares);
            var result = binder.BindBlock(args, input.Shape, extras.ToDictionary(e => e.Key, e => e.Value.Shape), stage.Name.Span);
            if (result == null) return null;
            fields.Fields.Add(new FieldModel(name, result.Value.Construction, new AppliedAnnotation[0]));
            fields.Costs.AddRange(result.Value.Costs);
            var extraCode = extraNames.Select(n => extras[n].Code).ToList();
            return new TensorValue(result.Value.Output, new ApplyField(name, FieldStyle.Module, block.Name.Text, input.Code, extraCode.Count > 0 ? extraCode : null));
        }
        finally
        {
            _file.Leave();
        }
    }

    private TensorValue? ApplyRepeat(TensorValue input, RepeatStageSyntax repeat, FieldCollector fields, AnnotationScope scope)
    {
        var own = BindAnnotations(repeat.Annotations, target: null, "this repeat");
        foreach (var a in own) _file.Placed(a, "this repeat");
        var args = ArgumentBinder.Bind("repeat", new[] { RepeatCount }, repeat.Arguments, repeat.KeywordSpan, EvaluateArgument, _diagnostics);
        if (args == null) return null;
        var count = args.Scalar(RepeatCount.Name)!;
        if (repeat.Body.OfType<LayerStageSyntax>().FirstOrDefault(st => _file.FindBlock(st.Name.Text) is { } b && ExtraInputNames(b).Count > 0) is { } several)
        {
            _diagnostics.Report(DiagnosticDescriptors.ShapeMismatch, several.Name.Span,
                $"block '{several.Name.Text}' takes several inputs, so it cannot be repeated (a repeat passes one tensor from copy to copy); call it once per copy");
            return null;
        }
        var inner = scope.Overlay(own);
        var name = fields.Name(repeat.Alias, "repeat");
        var plans = new List<StackPlan>();
        var planned = new List<BoundAnnotation>();
        foreach (var a in inner.Active)
        {
            var site = new RepeatSite(a, count.AsLong, input.Shape, $"{fields.PathPrefix}{name}.",
                repeat.Body.Count == 1 && repeat.Body[0] is LayerStageSyntax only && _file.FindBlock(only.Name.Text) != null,
                trait => repeat.Body.Any(st => Contains(st, trait, new HashSet<string>())), _diagnostics);
            var plan = a.Schema!.PlanStack(site);
            if (site.Failed) return null;
            if (plan == null) continue;
            _file.Used(a);
            plans.Add(plan);
            planned.Add(a);
        }
        _stacks.AddRange(plans);
        // A stack's plan is its own: blocks inside its blocks do not inherit the kind.
        if (planned.Count > 0)
            inner = inner.Overlay(new[] { new BoundAnnotation(AnnotationCatalog.Exempt, null, null, planned.Select(a => a.Kind).ToList(), planned[0].Span, planned[0].Source) });
        var copies = new List<Construction>();
        TensorValue? current;
        try
        {
            current = BindCopies();
        }
        catch (FileBinder.TooManyLayers e)
        {
            e.Span = repeat.KeywordSpan;
            e.File = _diagnostics.CurrentSource;
            throw;
        }
        if (current == null) return null;
        fields.Fields.Add(new FieldModel(name, new RepeatConstruction(count.Expr, copies), new AppliedAnnotation[0]));

        TensorValue? BindCopies()
        {
            var flowing = input;
            for (var i = 0; i < count.AsLong; i++)
            {
                var copyFields = new FieldCollector($"{fields.PathPrefix}{name}.{i}.", repeat.Body, _diagnostics, _names, _decl.Name.Text);
                var copyInput = flowing with { Code = new VariableRef("x") };
                foreach (var stage in repeat.Body)
                {
                    if (stage is LayerStageSyntax l && LayerCatalog.All.TryGetValue(l.Name.Text, out var s) && s.Style == FieldStyle.Parameter)
                    {
                        _diagnostics.Report(DiagnosticDescriptors.ValueKind, l.Name.Span, "a layer with its own module", l.Name.Text, "a parameter of the enclosing model; use it outside repeat");
                        return null;
                    }
                    copyInput = ApplyStage(copyInput, stage, copyFields, inner, plans.Select(p => p.ShareOf(i)).ToList());
                    if (copyInput == null) return null;
                }
                flowing = copyInput;
                if (repeat.Body.Count == 1)
                {
                    var only = copyFields.Fields[0];
                    copies.Add(only.Construction);
                    // One stage per copy: the copy is the layer itself, so its cost rows drop the inner name.
                    var innerPrefix = $"{fields.PathPrefix}{name}.{i}.{only.Name}";
                    fields.Costs.AddRange(copyFields.Costs.Select(c => c with { Path = $"{fields.PathPrefix}{name}.{i}" + c.Path.Substring(innerPrefix.Length) }));
                }
                else
                {
                    copies.Add(new SequenceConstruction(copyFields.Fields.Select(f => new NamedConstruction(f.Name, f.Construction)).ToList()));
                    fields.Costs.AddRange(copyFields.Costs);
                }
            }
            return flowing;
        }

        var stackInput = plans.Aggregate(input.Code, (code, plan) => plan.Enter(code));
        return new TensorValue(current.Shape, new ApplyField(name, FieldStyle.Module, "repeat", stackInput));
    }

    /// <summary>Whether a layer with <paramref name="trait"/> is in the stage, inside the blocks it calls included.</summary>
    private bool Contains(StageSyntax stage, LayerTraits trait, HashSet<string> visited) => stage switch
    {
        LayerStageSyntax l when LayerCatalog.Has(l.Name.Text, trait) => true,
        LayerStageSyntax l when _file.FindBlock(l.Name.Text) is { } block && visited.Add(block.Name.Text) =>
            block.Body.SelectMany(s => s switch
            {
                AssignmentSyntax a => Stages(a.Value),
                OutputSyntax o => Stages(o.Value),
                _ => Enumerable.Empty<StageSyntax>(),
            }).Any(st => Contains(st, trait, visited)),
        RepeatStageSyntax r => r.Body.Any(st => Contains(st, trait, visited)),
        _ => false,
    };

    private static void CollectSymbols(Construction c, ISet<string> into)
    {
        switch (c)
        {
            case LayerConstruction l:
                foreach (var a in l.Args) CollectSymbols(a.Value, into);
                break;
            case BlockConstruction b:
                foreach (var a in b.Args) CollectSymbols(a.Value, into);
                break;
            case CompressedConstruction k:
                CollectSymbols(k.Layer, into);
                foreach (var conversion in k.Conversions) CollectSymbols(conversion.Call, into);
                break;
            case RepeatConstruction r:
                r.Count.CollectSymbols(into);
                foreach (var copy in r.Copies) CollectSymbols(copy, into);
                break;
            case SequenceConstruction s:
                foreach (var child in s.Children) CollectSymbols(child.Construction, into);
                break;
        }
    }

    private static void CollectSymbols(ArgCode code, ISet<string> into)
    {
        switch (code)
        {
            case ScalarCode s: s.Expr.CollectSymbols(into); break;
            case ListCode l: foreach (var i in l.Items) i.CollectSymbols(into); break;
            case ReferenceCode r: into.Add(r.Name); break;
            case CallCode call: foreach (var a in call.Args) CollectSymbols(a.Value, into); break;
        }
    }
}
