using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Costs;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Semantics;
using Dsl.Parser.Syntax;
using Dsl.Parser.Text;

namespace Dsl.Parser.Binding;

/// <summary>Binds one model, or one call of a block, statement by statement: the state and the assembly of its class.</summary>
internal sealed partial class DeclarationBinder
{
    private readonly FileBinder _file;
    private readonly DeclarationSyntax _decl;
    private readonly string _pathPrefix;
    private readonly AnnotationScope _scope;
    private readonly DiagnosticBag _diagnostics;
    private readonly Dictionary<string, ScalarValue> _parameters = new();
    private readonly Dictionary<string, TensorValue> _tensors = new();
    private readonly HashSet<string> _declaredVariables = new();
    private readonly Dictionary<string, Identifier> _unread = new();
    private readonly HashSet<string> _failed = new();
    private readonly HashSet<string> _names;
    private readonly List<ForwardStatement> _forward = new();
    private readonly List<CtorParameter> _ctorParameters = new();
    private readonly List<string> _inputSymbols = new();
    private int _temporaries;
    private FieldCollector _fields = null!;

    /// <summary>The shares of the stack plans this block is a copy of (DiffRate's schedule), in kind order.</summary>
    private readonly IReadOnlyList<BlockShare> _shares;

    /// <summary>The plans of the stacks this declaration holds, whose state its class keeps.</summary>
    private readonly List<StackPlan> _stacks = new();

    /// <summary>A model's named outputs, in order (none for one unnamed output), and its named features.</summary>
    private readonly List<NamedValue> _namedOutputs = new();
    private readonly List<NamedValue> _features = new();
    private readonly HashSet<string> _namedVariables = new();

    /// <summary>The kinds that complete the model: those written on it (@distill) and those reaching its layers from its header (@multibit).</summary>
    private readonly IReadOnlyList<BoundAnnotation> _modelAnnotations;
    private readonly List<MethodMember> _methodMembers = new();

    public DeclarationBinder(FileBinder file, DeclarationSyntax decl, string pathPrefix, AnnotationScope scope, IReadOnlyList<BlockShare>? shares = null)
    {
        _file = file;
        _decl = decl;
        _pathPrefix = pathPrefix;
        _shares = shares ?? new BlockShare[0];
        _diagnostics = file.Diagnostics;
        var where = $"{(decl.Kind == DeclarationKind.Model ? "model" : "block")} '{decl.Name.Text}'";
        var header = BindAnnotations(decl.Annotations, target: null, where, modelHeader: decl.Kind == DeclarationKind.Model);
        _modelAnnotations = header.Where(a => a.Schema is { OnModel: true } or { WholeModel: true }).ToList();
        header = header.Where(a => a.Schema is not { OnModel: true }).ToList();
        foreach (var a in header) file.Placed(a, where);
        _scope = scope.Overlay(header);
        _names = new HashSet<string>(decl.Parameters.Select(p => p.Name.Text)
            .Concat(decl.Body.OfType<AssignmentSyntax>().Select(a => a.Name.Text))
            .Concat(decl.Body.OfType<InputSyntax>().Select(i => i.Name.Text))
            .Concat(decl.Body.OfType<InputSyntax>().SelectMany(i => i.Dimensions.OfType<NameSyntax>().Select(n => n.Name.Text)))
            .Concat(decl.Body.OfType<FeatureSyntax>().Select(f => f.Name.Text))
            .Concat(decl.Body.OfType<OutputSyntax>().Where(o => o.Name != null).Select(o => o.Name!.Text)));
        // The methods' state members (a token state, a block's share of a schedule) keep their names.
        foreach (var used in AnnotationsIn(decl).Select(a => file.Catalog.Find(a.Name.Text)).Concat(_shares.Select(share => share.Annotation.Schema)))
        {
            if (used != null) _names.UnionWith(used.ClassMembers);
        }
    }

    public (ClassModel, CostReport)? BindModel()
    {
        var signature = Signature(_decl, _diagnostics);
        if (signature == null) return null;
        foreach (var p in _decl.Parameters)
        {
            if (p.Default == null)
            {
                _diagnostics.Report(DiagnosticDescriptors.ModelParameterDefault, p.Name.Span, p.Name.Text, p.Type.Text);
                return null;
            }
        }
        foreach (var spec in signature)
        {
            var d = (ScalarValue)spec.Default!;
            _parameters[spec.Name] = d with { Expr = new SymbolExpr(spec.Name) };
            _ctorParameters.Add(new CtorParameter(spec.Name, d.Type, d.Expr, CtorParameterKind.Declared));
        }
        var inputs = FindInputs();
        if (inputs == null) return null;
        var shapes = new List<Shape>();
        foreach (var input in inputs)
        {
            var shape = ModelInputShape(input);
            if (shape == null) return null;
            shapes.Add(shape);
        }
        var output = BindBody(inputs, shapes);
        if (output == null) return null;
        var assembly = new ModelAssembly(_pathPrefix, _forward, _fields.Fields, _fields.Costs, _names, _diagnostics,
            _features.Select(f => new NamedShape(f.Name, f.Value.Shape)).ToList(), inputs.Zip(shapes, (i, s) => new NamedShape(i.Name.Text, s)).ToList());
        // Model-level methods complete the first output (a distillation head beside the logits).
        foreach (var a in _modelAnnotations)
        {
            output = a.Schema!.AssembleModel(assembly, a.Args!, output);
            if (output == null) return null;
        }
        if (_namedOutputs.Count > 0) _namedOutputs[0] = _namedOutputs[0] with { Value = output };
        _methodMembers.AddRange(assembly.Members);
        // The figures of the methods in use are bounded; a method the model does not use adds none.
        if (Limits.Excess(_fields.Costs, CostMetric.Of(_fields.Costs, _file.Catalog.Metrics).Where(m => _fields.Costs.Any(l => l.Metrics?.ContainsKey(m.Key) == true))) is { } excess)
        {
            _diagnostics.Report(DiagnosticDescriptors.OutOfRange, _decl.Name.Span, $"model '{_decl.Name.Text}' totals {excess}", Limits.MaxText);
            return null;
        }
        var model = MakeClass(inputs, output, isModel: true);
        return (model, new CostReport(_decl.Name.Text, shapes[0], output.Shape, _fields.Costs, _file.Catalog.Metrics)
        {
            NamedInputs = inputs.Count == 1 ? new NamedShape[0] : inputs.Zip(shapes, (i, s) => new NamedShape(i.Name.Text, s)).ToList(),
            NamedOutputs = _namedOutputs.Select(o => new NamedShape(o.Name, o.Value.Shape)).ToList(),
            Features = _features.Select(f => new NamedShape(f.Name, f.Value.Shape)).ToList(),
        });
    }

    /// <summary>
    /// Binds a block for one call. Returns the output shape and the construction in the
    /// caller's terms: the block's expressions with its parameters and input dimensions
    /// replaced by what the caller passes.
    /// </summary>
    public (Shape Output, BlockConstruction Construction, IReadOnlyList<LayerCost> Costs)? BindBlock(
        BoundArguments args, Shape callerInput, IReadOnlyDictionary<string, Shape> extraInputs, TextSpan callSpan)
    {
        var callerTerms = new Dictionary<string, ScalarExpr>();
        foreach (var a in args.Ordered)
        {
            var v = (ScalarValue)a.Value!;
            _parameters[a.Spec.Name] = v with { Expr = new SymbolExpr(a.Spec.Name) };
            var defaultExpr = a.Spec.Default is ScalarValue d ? d.Expr : null;
            _ctorParameters.Add(new CtorParameter(a.Spec.Name, v.Type, defaultExpr, CtorParameterKind.Declared));
            callerTerms[a.Spec.Name] = v.Expr;
        }
        var inputs = FindInputs();
        if (inputs == null) return null;
        var shapes = new List<Shape>();
        foreach (var input in inputs)
        {
            var given = input == inputs[0] ? callerInput : extraInputs[input.Name.Text];
            var shape = BlockInputShape(input, given, callSpan, callerTerms);
            if (shape == null) return null;
            shapes.Add(shape);
        }
        var output = BindBody(inputs, shapes);
        if (output == null) return null;
        var model = MakeClass(inputs, output, isModel: false);
        var className = _file.RecordBlockClass(model);
        var constructionArgs = model.Parameters
            .Where(p => p.Kind == CtorParameterKind.InputDimension || (p.Kind == CtorParameterKind.Declared && args[p.Name].Explicit))
            .Select(p => new ConstructionArg(p.Name, new ScalarCode(callerTerms[p.Name])))
            .ToList();
        foreach (var share in _shares)
        {
            var code = share.Complete(new BlockSite(_decl.Name.Text, _pathPrefix, callerInput, output.Shape, _fields.Costs, _diagnostics));
            if (code == null) return null;
            constructionArgs.Add(new ConstructionArg(share.Parameter.Name, code));
        }
        var callerOutput = output.Shape with
        {
            Dims = output.Shape.Dims.Select((d, i) => d.IsBatch ? callerInput[0] : new Dim(d.Value, d.Expr.Substitute(callerTerms))).ToList(),
        };
        return (callerOutput, new BlockConstruction(className, constructionArgs), _fields.Costs);
    }

    private ClassModel MakeClass(IReadOnlyList<InputSyntax> inputs, TensorValue output, bool isModel)
    {
        var used = new HashSet<string>();
        foreach (var f in _fields.Fields) CollectSymbols(f.Construction, used);
        foreach (var s in _forward) s.Value.CollectSymbols(used);
        foreach (var o in _namedOutputs.Concat(_features)) o.Value.Code.CollectSymbols(used);
        output.Code.CollectSymbols(used);
        var parameters = _inputSymbols.Where(used.Contains)
            .Select(s => new CtorParameter(s, ScalarType.Int, null, CtorParameterKind.InputDimension))
            .Concat(_ctorParameters)
            .ToList();
        parameters.AddRange(_shares.Select(share => new CtorParameter(share.Parameter.Name, ScalarType.Int, null, CtorParameterKind.Method, share.Parameter.RuntimeType)));
        var members = _methodMembers.Concat(_stacks.Select(stack => stack.ClassMember(_fields.Costs, _diagnostics)).OfType<MethodMember>()).ToList();
        return new ClassModel(_decl.Name.Text, isModel, members, parameters, inputs.Select(i => i.Name.Text).ToList(), _fields.Fields, _forward, output.Code,
            _diagnostics.CurrentPath, _diagnostics.LineOf(_decl.Name.Span.Start) + 1,
            _namedOutputs.Select(o => new NamedTensor(o.Name, o.Value.Code)).ToList(), _features.Select(f => new NamedTensor(f.Name, f.Value.Code)).ToList());
    }

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

/// <summary>A named output or feature as bound: its name and tensor.</summary>
internal sealed record NamedValue(string Name, TensorValue Value);
