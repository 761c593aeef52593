using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Costs;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Layers;
using Dsl.Parser.Semantics;
using Dsl.Parser.Syntax;
using Dsl.Parser.Text;

namespace Dsl.Parser.Binding;

/// <summary>Pipeline stages: layers (with the methods reaching them), block calls and repeats.</summary>
internal sealed partial class DeclarationBinder
{
    private static readonly ParamSpec RepeatCount = new("count", ArgKind.Int, Required: true, Min: 1, Max: 10_000);

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
            case LayerStageSyntax function when LayerCatalog.IsFunction(function.Name.Text):
                _diagnostics.Report(DiagnosticDescriptors.ValueKind, function.Name.Span, "a layer or block", function.Name.Text,
                    $"a function of several tensors; write `{function.Name.Text}(a, b, dim: 1)` as an expression");
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
        var tensorArgs = stage.Arguments.Where(a => a.Name != null && spec.TensorInputs.Contains(a.Name.Text)).ToList();
        var args = ArgumentBinder.Bind(spec.Name, spec.Parameters, stage.Arguments.Except(tensorArgs).ToList(), stage.Name.Span, EvaluateArgument, _diagnostics);
        var sides = TensorArguments(spec.Name, spec.TensorInputs, tensorArgs, stage.Name.Span);
        if (args == null || sides == null) return null;
        var binding = new LayerBinding(spec, input.Shape, args, stage.Name.Span, _diagnostics, sides.ToDictionary(kv => kv.Key, kv => kv.Value.Shape));
        var result = BindWithinLimits(spec, binding);
        if (result == null) return null;

        var name = fields.Name(stage.Alias, spec.Name);
        var constructionArgs = binding.Inferred.Concat(args.Ordered.Where(a => a.Explicit).Select(a => new ConstructionArg(a.Spec.Name, Code(a.Value!)))).ToList();
        foreach (var share in _shares) constructionArgs.AddRange(share.LayerArguments(spec));
        // Methods act in their conversion order (a mask before a quantizer), so each counts what the one before left.
        var effective = scope.Overlay(own).For(spec.Family).OrderBy(a => a.Schema!.ConversionOrder).ToList();
        var context = new LayerContext(spec, args, input.Shape, result, binding.Sides);
        // An inherited method that computes only some layers leaves the others as written, and says so.
        var notes = new List<string>();
        foreach (var a in effective.Where(a => !own.Contains(a)).ToList())
        {
            if (a.Schema!.Declines(a.Args!, context) is not { } reason) continue;
            _file.Used(a);
            notes.Add($"@{a.Kind} leaves it as written: {reason.Message}");
            effective.Remove(a);
        }
        foreach (var a in effective)
        {
            _file.Used(a);
            if (a.Schema!.CheckTarget(a.Args!, spec.Family) is { } misfit) _file.ReportOnce(a, misfit.Descriptor ?? DiagnosticDescriptors.AnnotationArguments, misfit.Message);
            if ((a.Schema.CheckLayer(a.Args!, context) ?? a.Schema.Declines(a.Args!, context)) is { } unfit)
            {
                _diagnostics.Report(unfit.Descriptor ?? DiagnosticDescriptors.AnnotationArguments, stage.Name.Span, $"{spec.Name} '{fields.PathPrefix}{name}': {unfit.Message}");
                return null;
            }
        }
        var applied = effective.Select(a => a.ToApplied()).ToList();
        var layer = new LayerConstruction(spec.Name, spec.Style, constructionArgs, 1 + spec.TensorInputs.Count);
        Construction construction = layer;
        var converting = effective.Where(a => a.Schema!.RuntimeFunction != null).ToList();
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

        var cost = new LayerCost(fields.PathPrefix + name, spec.Name, result.Output, result.Macs, result.Params, applied, notes);
        foreach (var a in effective) cost = a.Schema!.AdjustCost(cost, a.Args!, context);
        fields.Costs.Add(cost);
        var extraCode = spec.TensorInputs.Select(n => sides[n].Code).ToList();
        return new TensorValue(result.Output, new ApplyField(name, spec.Style, spec.Name, input.Code, extraCode.Count > 0 ? extraCode : null));
    }

    /// <summary>
    /// The tensors a layer or block takes by name beyond the one flowing in, each evaluated once;
    /// null after reporting a duplicate, a missing one or an error inside one.
    /// </summary>
    private Dictionary<string, TensorValue>? TensorArguments(string callee, IReadOnlyList<string> names, IReadOnlyList<ArgumentSyntax> given, TextSpan span)
    {
        var values = new Dictionary<string, TensorValue>();
        foreach (var a in given)
        {
            if (values.ContainsKey(a.Name!.Text))
            {
                _diagnostics.Report(DiagnosticDescriptors.DuplicateArgument, a.Span, a.Name.Text, callee);
                return null;
            }
            var tensor = EvaluateTensor(a.Value, null);
            if (tensor == null) return null;
            values[a.Name.Text] = tensor;
        }
        if (names.FirstOrDefault(n => !values.ContainsKey(n)) is { } missing)
        {
            _diagnostics.Report(DiagnosticDescriptors.MissingArgument, span, callee, missing, $"a tensor: its input '{missing}', as in {callee}(..., {missing}: h)");
            return null;
        }
        return values;
    }

    private static ArgCode Code(Value value) => value switch
    {
        ScalarValue s => new ScalarCode(s.Expr),
        WordValue w => new WordCode(w.Word),
        ListValue l => new ListCode(l.Items.Cast<ScalarValue>().Select(i => i.Expr).ToList(), l.Items.Cast<ScalarValue>().All(i => i.Type == ScalarType.Float)),
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
        var extras = TensorArguments(block.Name.Text, extraNames, tensorArgs, stage.Name.Span);
        if (args == null || extras == null) return null;
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
        if (repeat.Body.OfType<LayerStageSyntax>().FirstOrDefault(st => _file.FindBlock(st.Name.Text) is { } b && ExtraInputNames(b).Count > 0
                || LayerCatalog.All.TryGetValue(st.Name.Text, out var l) && l.TensorInputs.Count > 0) is { } several)
        {
            var what = _file.FindBlock(several.Name.Text) != null ? "block" : "layer";
            _diagnostics.Report(DiagnosticDescriptors.ShapeMismatch, several.Name.Span,
                $"{what} '{several.Name.Text}' takes several inputs, so it cannot be repeated (a repeat passes one tensor from copy to copy); call it once per copy");
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
            block.Body.SelectMany(StagesOf).Any(st => Contains(st, trait, visited)),
        RepeatStageSyntax r => r.Body.Any(st => Contains(st, trait, visited)),
        _ => false,
    };
}
