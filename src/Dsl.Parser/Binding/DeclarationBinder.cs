using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Costs;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Layers;
using Dsl.Parser.Methods;
using Dsl.Parser.Semantics;
using Dsl.Parser.Syntax;
using Dsl.Parser.Text;

namespace Dsl.Parser.Binding;

/// <summary>Binds one model, or one call of a block, statement by statement.</summary>
internal sealed partial class DeclarationBinder
{
    private static readonly ParamSpec RepeatCount = new("count", ArgKind.Int, Required: true, Min: 1, Max: 10_000);
    private static readonly ParamSpec ConcatDim = ParamSpec.Int("dim", 1);

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
        _modelAnnotations = header.Where(a => a.Schema is { OnModel: true }).ToList();
        header = header.Except(_modelAnnotations).ToList();
        foreach (var a in header) file.Placed(a, where);
        _scope = scope.Overlay(header);
        _names = new HashSet<string>(decl.Parameters.Select(p => p.Name.Text)
            .Concat(decl.Body.OfType<AssignmentSyntax>().Select(a => a.Name.Text))
            .Concat(decl.Body.OfType<InputSyntax>().Select(i => i.Name.Text))
            .Concat(decl.Body.OfType<InputSyntax>().SelectMany(i => i.Dimensions.OfType<NameSyntax>().Select(n => n.Name.Text))));
        // The methods' state members (a token state, a block's share of a schedule) keep their names.
        foreach (var used in AnnotationsIn(decl).Select(a => file.Catalog.Find(a.Name.Text)).Concat(_shares.Select(share => share.Annotation.Schema)))
        {
            if (used != null) _names.UnionWith(used.ClassMembers);
        }
    }

    private static IEnumerable<AnnotationSyntax> AnnotationsIn(DeclarationSyntax decl) =>
        decl.Annotations.Concat(decl.Body.SelectMany(s => s switch
        {
            AssignmentSyntax a => Stages(a.Value),
            OutputSyntax o => Stages(o.Value),
            _ => Enumerable.Empty<StageSyntax>(),
        }).SelectMany(st => st.Annotations));

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
        if (inputs.Count > 1)
        {
            _diagnostics.Report(DiagnosticDescriptors.InputCount, inputs[1].Span, $"model '{_decl.Name.Text}' declares a second input; a model takes one input tensor (blocks may take several)");
            return null;
        }
        var input = inputs[0];
        var shape = ModelInputShape(input);
        if (shape == null) return null;
        var output = BindBody(inputs, new[] { shape });
        if (output == null) return null;
        var assembly = new ModelAssembly(_pathPrefix, _forward, _fields.Fields, _fields.Costs, _names, _diagnostics);
        foreach (var a in _modelAnnotations)
        {
            output = a.Schema!.AssembleModel(assembly, a.Args!, output);
            if (output == null) return null;
        }
        _methodMembers.AddRange(assembly.Members);
        if (Limits.Excess(_fields.Costs, _file.Catalog.Metrics) is { } excess)
        {
            _diagnostics.Report(DiagnosticDescriptors.OutOfRange, _decl.Name.Span, $"model '{_decl.Name.Text}' totals {excess}", Limits.MaxText);
            return null;
        }
        var model = MakeClass(inputs, output, isModel: true);
        return (model, new CostReport(_decl.Name.Text, shape, output.Shape, _fields.Costs, _file.Catalog.Metrics));
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
        var callerOutput = new Shape(output.Shape.Dims
            .Select((d, i) => d.IsBatch ? callerInput[0] : new Dim(d.Value, d.Expr.Substitute(callerTerms)))
            .ToList());
        return (callerOutput, new BlockConstruction(className, constructionArgs), _fields.Costs);
    }

    private ClassModel MakeClass(IReadOnlyList<InputSyntax> inputs, TensorValue output, bool isModel)
    {
        var used = new HashSet<string>();
        foreach (var f in _fields.Fields) CollectSymbols(f.Construction, used);
        foreach (var s in _forward) s.Value.CollectSymbols(used);
        output.Code.CollectSymbols(used);
        var parameters = _inputSymbols.Where(used.Contains)
            .Select(s => new CtorParameter(s, ScalarType.Int, null, CtorParameterKind.InputDimension))
            .Concat(_ctorParameters)
            .ToList();
        parameters.AddRange(_shares.Select(share => new CtorParameter(share.Parameter.Name, ScalarType.Int, null, CtorParameterKind.Method, share.Parameter.RuntimeType)));
        var members = _methodMembers.Concat(_stacks.Select(stack => stack.ClassMember(_fields.Costs, _diagnostics)).OfType<MethodMember>()).ToList();
        return new ClassModel(_decl.Name.Text, isModel, members, parameters, inputs.Select(i => i.Name.Text).ToList(), _fields.Fields, _forward, output.Code,
            _diagnostics.CurrentPath, _diagnostics.LineOf(_decl.Name.Span.Start) + 1);
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

    private TensorValue? BindBody(IReadOnlyList<InputSyntax> inputs, IReadOnlyList<Shape> shapes)
    {
        var topStages = _decl.Body.SelectMany(s => s switch
        {
            AssignmentSyntax a => Stages(a.Value),
            OutputSyntax o => Stages(o.Value),
            _ => Enumerable.Empty<StageSyntax>(),
        });
        _fields = new FieldCollector(_pathPrefix, topStages, _diagnostics, _names, _decl.Name.Text);
        for (var i = 0; i < inputs.Count; i++)
        {
            _tensors[inputs[i].Name.Text] = new TensorValue(shapes[i], new VariableRef(inputs[i].Name.Text));
            _declaredVariables.Add(inputs[i].Name.Text);
        }

        TensorValue? output = null;
        var outputs = _decl.Body.OfType<OutputSyntax>().ToList();
        if (outputs.Count == 0)
        {
            _diagnostics.Report(DiagnosticDescriptors.OutputCount, _decl.Name.Span,
                $"{KindName} '{_decl.Name.Text}' has no output; end its body with `output <expression>`");
            return null;
        }
        // A statement that fails is reported and the next one is still checked (as Roslyn recovers
        // per statement); names it would have bound are known to have failed, so their uses are quiet.
        var failed = false;
        foreach (var statement in _decl.Body.Skip(inputs.Count))
        {
            switch (statement)
            {
                case InputSyntax:
                    break;
                case AssignmentSyntax a:
                    if (_parameters.ContainsKey(a.Name.Text))
                    {
                        _diagnostics.Report(DiagnosticDescriptors.ReservedName, a.Name.Span, a.Name.Text, "it is a parameter or input dimension of this declaration");
                        failed = true;
                        break;
                    }
                    var bound = BindAssignment(a);
                    if (bound == null)
                    {
                        _tensors.Remove(a.Name.Text);
                        _failed.Add(a.Name.Text);
                        failed = true;
                        break;
                    }
                    _failed.Remove(a.Name.Text);
                    _tensors[a.Name.Text] = bound;
                    _unread[a.Name.Text] = a.Name;
                    break;
                case OutputSyntax o:
                    if (o != outputs[0])
                    {
                        _diagnostics.Report(DiagnosticDescriptors.OutputCount, o.Span, $"{KindName} '{_decl.Name.Text}' has a second output; a model or block returns one tensor");
                        failed = true;
                        break;
                    }
                    output = EvaluateTensor(o.Value, "output");
                    failed |= output == null;
                    break;
            }
            if (statement == outputs[0] && statement != _decl.Body.Last())
            {
                _diagnostics.Report(DiagnosticDescriptors.OutputCount, _decl.Body[_decl.Body.ToList().IndexOf(statement) + 1].Span,
                    "nothing can follow the output statement");
                return null;
            }
        }
        if (failed) return null;
        foreach (var pair in _unread) _diagnostics.Report(DiagnosticDescriptors.UnusedBinding, pair.Value.Span, pair.Key);
        return output;
    }

    private TensorValue? BindAssignment(AssignmentSyntax a)
    {
        var value = EvaluateTensor(a.Value, a.Name.Text);
        if (value == null) return null;
        if (!_declaredVariables.Contains(a.Name.Text) || !(value.Code is VariableRef r && r.Name == a.Name.Text))
        {
            Assign(a.Name.Text, value.Code);
        }
        if (_unread.TryGetValue(a.Name.Text, out var overwritten))
        {
            _diagnostics.Report(DiagnosticDescriptors.UnusedBinding, overwritten.Span, a.Name.Text);
        }
        var bound = new TensorValue(value.Shape, new VariableRef(a.Name.Text));
        var layers = Stages(a.Value).OfType<LayerStageSyntax>()
            .Select(st => LayerCatalog.All.TryGetValue(st.Name.Text, out var spec) ? spec : null).OfType<LayerSpec>().ToList();
        foreach (var share in _shares)
        {
            var changed = share.AfterStatement(new StatementSite(a.Name.Text, bound, a.Span, layers, _fields.Costs.Count, code => Assign(a.Name.Text, code), _diagnostics));
            if (changed == null) return null;
            bound = changed;
        }
        return bound;
    }

    private static IEnumerable<StageSyntax> Stages(ExpressionSyntax e) => e switch
    {
        PipelineSyntax p => Stages(p.Source).Concat(p.Stages),
        BinarySyntax b => Stages(b.Left).Concat(Stages(b.Right)),
        UnarySyntax u => Stages(u.Operand),
        CallSyntax c => c.Arguments.SelectMany(a => Stages(a.Value)),
        _ => Enumerable.Empty<StageSyntax>(),
    };

    private void Assign(string variable, TensorExpr value)
    {
        var declare = _declaredVariables.Add(variable);
        _forward.Add(new ForwardStatement(variable, declare, value));
    }

    private string Temporary()
    {
        while (true)
        {
            var name = "t" + ++_temporaries;
            if (!_names.Contains(name)) return name;
        }
    }

    /// <param name="where">What the annotations are written on, for messages.</param>
    /// <param name="modelHeader">Whether they are on a model's header, the one place model-wide kinds (@distill) go.</param>
    private IReadOnlyList<BoundAnnotation> BindAnnotations(IReadOnlyList<AnnotationSyntax> annotations, LayerSpec? target, string where, bool modelHeader = false)
    {
        var result = new List<BoundAnnotation>();
        foreach (var a in annotations)
        {
            var name = a.Name.Text;
            if (name == AnnotationCatalog.Exempt)
            {
                var kinds = new List<string>();
                foreach (var arg in a.Arguments)
                {
                    if (arg.Name != null || arg.Value is not NameSyntax n || !_file.Catalog.AllNames.Contains(n.Name.Text) || n.Name.Text == AnnotationCatalog.Exempt)
                    {
                        _diagnostics.Report(DiagnosticDescriptors.ArgumentType, arg.Span, "kinds", "@exempt", "annotation names such as quant or sparse",
                            arg.Value is NameSyntax bad ? $"'{bad.Name.Text}'{Suggestions.DidYouMean(bad.Name.Text, _file.Catalog.AllNames)}" : "another value");
                        continue;
                    }
                    kinds.Add(n.Name.Text);
                }
                result.Add(new BoundAnnotation(name, null, null, kinds, a.Span, _diagnostics.CurrentSource));
                continue;
            }
            var schema = _file.Catalog.Find(name);
            if (schema == null)
            {
                var reserved = _file.Catalog.ReservedFor(name);
                if (reserved != null) _diagnostics.Report(DiagnosticDescriptors.AnnotationNotAvailable, a.Name.Span, name, reserved);
                else _diagnostics.Report(DiagnosticDescriptors.UnknownAnnotation, a.Name.Span, name, Suggestions.DidYouMean(name, _file.Catalog.AllNames));
                continue;
            }
            var args = ArgumentBinder.Bind("@" + name, schema.Parameters, a.Arguments, a.Span, EvaluateArgument, _diagnostics);
            if (args == null) continue;
            if (schema.Validate(args) is { } problem)
            {
                Report(problem, a, args);
                continue;
            }
            if (schema.OnModel)
            {
                if (!modelHeader)
                {
                    _diagnostics.Report(DiagnosticDescriptors.AnnotationTarget, a.Name.Span, name, where,
                        $"a model, written after its header as in model Student(...) @{name}(...)");
                    continue;
                }
                if (schema.CheckOnModel(args, new ModelScope(_decl.Name.Text, _file.ModelNames, _file.BlockNames.ToList())) is { } misfit)
                {
                    Report(misfit, a, args);
                    continue;
                }
                result.Add(new BoundAnnotation(name, schema, args, new string[0], a.Span, _diagnostics.CurrentSource));
                continue;
            }
            if (target != null && schema.OnlyAbove is { } above)
            {
                _diagnostics.Report(DiagnosticDescriptors.AnnotationTarget, a.Name.Span, name, $"{target.Name} ({target.Family})", above);
                continue;
            }
            if (target != null && !schema.Families.Contains(target.Family))
            {
                _diagnostics.Report(DiagnosticDescriptors.AnnotationTarget, a.Name.Span, name, $"{target.Name} ({target.Family})",
                    string.Join(", ", schema.Families.OrderBy(f => f, System.StringComparer.Ordinal)) + " layers");
                continue;
            }
            if (target == null && !schema.Inherited)
            {
                _diagnostics.Report(DiagnosticDescriptors.AnnotationTarget, a.Name.Span, name, "a model, block or call",
                    string.Join(", ", schema.Families.OrderBy(f => f, System.StringComparer.Ordinal)) + " layers, written on the layer itself");
                continue;
            }
            result.Add(new BoundAnnotation(name, schema, args, new string[0], a.Span, _diagnostics.CurrentSource));
        }
        return result;
    }

    /// <summary>An annotation's problem, at the argument it names (or the annotation), under the method's diagnostic.</summary>
    private void Report(AnnotationProblem problem, AnnotationSyntax annotation, BoundArguments args) =>
        _diagnostics.Report(problem.Descriptor ?? DiagnosticDescriptors.AnnotationArguments,
            problem.Argument == null ? annotation.Span : args.SpanOf(problem.Argument), problem.Message);
}
