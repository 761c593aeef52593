using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Onnx.LayerLowerings;
using Dsl.Onnx.Methods;
using Dsl.Parser;
using Dsl.Parser.Semantics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Onnx.Lowering;

/// <summary>
/// Lowers one instance of a generated class: follows its forward statement by statement (the IR the
/// C# back end writes from), each field through its layer's lowering with the trained module that
/// field holds, each block into its own class's statements; returns the instance's outputs.
/// </summary>
internal sealed class ClassLowering : ITensorExprVisitor<string>, ICallOperandVisitor<string>
{
    private readonly ExportSession _session;
    private readonly OnnxGraph _graph;
    private readonly ClassModel _class;
    private readonly InstanceArguments _arguments;
    private readonly nn.Module _module;
    private readonly string _prefix;
    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    private ClassLowering(ExportSession session, ClassModel model, InstanceArguments arguments, nn.Module module, string prefix)
    {
        (_session, _graph, _class, _arguments, _module, _prefix) = (session, session.Graph, model, arguments, module, prefix);
    }

    /// <summary>The instance's output (or named outputs, in order) for <paramref name="inputs"/>.</summary>
    public static IReadOnlyList<string> Lower(ExportSession session, ClassModel model, InstanceArguments arguments,
        nn.Module module, string prefix, IReadOnlyList<string> inputs)
    {
        var lowering = new ClassLowering(session, model, arguments, module, prefix);
        for (var i = 0; i < model.InputNames.Count; i++) lowering._variables[model.InputNames[i]] = inputs[i];
        foreach (var statement in model.Forward) lowering._variables[statement.Variable] = statement.Value.Accept(lowering);
        return model.NamedOutputs.Count == 0
            ? new[] { model.Output.Accept(lowering) }
            : model.NamedOutputs.Select(o => o.Code.Accept(lowering)).ToList();
    }

    public string Variable(VariableRef variable) => _variables[variable.Name];

    public string Apply(ApplyField apply)
    {
        var field = _class.Fields.FirstOrDefault(f => f.Name == apply.Field)
            ?? throw new OnnxExportException($"{_class.Name}: no field '{apply.Field}'");
        var inputs = new[] { apply.Input }.Concat(apply.ExtraInputs ?? new TensorExpr[0]).Select(i => i.Accept(this)).ToList();
        if (field.Construction is LayerConstruction { Style: FieldStyle.Parameter } parameterLayer)
        {
            var parameter = _module.named_parameters(recurse: false).FirstOrDefault(p => p.name == field.Name).parameter
                ?? throw new OnnxExportException($"{Key(field.Name)}: the trained model has no parameter here");
            return LowerLayer(parameterLayer, Key(field.Name), null, inputs, parameter);
        }
        return Construct(field.Construction, Key(field.Name), Child(_module, field.Name), inputs)[0];
    }

    public string Binary(TensorBinary binary)
    {
        var op = binary.Operator switch { '+' => "Add", '-' => "Sub", '*' => "Mul", _ => "Div" };
        var (left, right) = (binary.Left.Accept(this), binary.Right.Accept(this));
        var (l, r) = (_session.ShapeOf(left), _session.ShapeOf(right));
        return _session.Record(_graph.Node(op, new[] { left, right }, Key(op.ToLowerInvariant())), l != null && r != null && r.Rank > l.Rank ? r : l ?? r);
    }

    public string Scale(TensorScale scale)
    {
        var tensor = scale.Tensor.Accept(this);
        var scalar = _graph.Float(_arguments.Scalar(scale.Scalar));
        var op = scale.Operator switch { '+' => "Add", '-' => "Sub", '*' => "Mul", _ => "Div" };
        return _session.Record(_graph.Node(op, scale.ScalarOnLeft ? new[] { scalar, tensor } : new[] { tensor, scalar }, Key(op.ToLowerInvariant())), _session.ShapeOf(tensor));
    }

    public string Negate(TensorNegate negate)
    {
        var operand = negate.Operand.Accept(this);
        return _session.Record(_graph.Node("Neg", new[] { operand }, Key("neg")), _session.ShapeOf(operand));
    }

    public string Concat(TensorConcat concat)
    {
        var items = concat.Items.Select(i => i.Accept(this)).ToList();
        var shapes = items.Select(_session.ShapeOf).ToList();
        var first = shapes[0];
        var rank = (first?.Rank ?? 0) + (concat.Stack ? 1 : 0);
        // A negative dimension counts from the end of the result, as torch.cat and torch.stack count it.
        var axis = concat.Dim < 0 && first != null ? concat.Dim + rank : concat.Dim;
        if (concat.Stack) items = items.Select(i => _graph.Node("Unsqueeze", new[] { i, _graph.Longs(axis) }, Key("stack"))).ToList();
        var joined = _graph.Node("Concat", items, Key(concat.Stack ? "stack" : "concat"), OnnxAttribute.Int("axis", axis));
        return _session.Record(joined, shapes.Any(s => s == null) ? null : Joined(shapes!, (int)axis, concat.Stack));
    }

    private static Shape Joined(IReadOnlyList<Shape?> shapes, int axis, bool stack)
    {
        var dims = shapes[0]!.Dims.ToList();
        var size = stack ? shapes.Count : shapes.Sum(s => s!.Dims[axis].Value);
        if (stack) dims.Insert(axis, new Dim(size, ScalarExpr.Int(size)));
        else dims[axis] = new Dim(size, ScalarExpr.Int(size));
        return new Shape(dims);
    }

    public string Call(MethodCall call)
    {
        var function = call.Target == null ? call.Function : call.Target + "." + call.Function;
        var lowering = OnnxMethods.Call(function)
            ?? throw new OnnxExportException($"{_class.Name}: the ONNX back end cannot lower {function}");
        var tensors = call.Operands.OfType<TensorOperand>().Select(o => o.Tensor.Accept(this)).ToList();
        var names = call.Operands.OfType<NameOperand>().Select(n => n.Name).ToList();
        var given = names.Any(_arguments.HasMethod);
        var context = new CallContext(_session, Key(call.Function), tensors, names, given,
            (field, input) => Apply(new ApplyField(field, FieldStyle.Module, "", Bound(input))),
            member => _module.named_children().FirstOrDefault(c => c.name == member).module);
        var result = lowering.Lower(context);
        // A call that changes its input's shape (a token reduction) records the new one itself.
        return _session.Record(result, _session.ShapeOf(result) ?? _session.ShapeOf(tensors[0]));
    }

    // A value already in the graph, named so that no .cmodel variable can clash with it.
    private VariableRef Bound(string value)
    {
        var name = "<value>" + value;
        _variables[name] = value;
        return new VariableRef(name);
    }

    public string Tensor(TensorOperand tensor) => tensor.Tensor.Accept(this);

    public string Name(NameOperand name) => name.Name;

    public string Training(TrainingOperand training) => "";

    /// <summary>A field's construction applied to its inputs: a layer, a block's statements, or a chain of repeat copies or sequence stages.</summary>
    private IReadOnlyList<string> Construct(Construction construction, string key, nn.Module? module, IReadOnlyList<string> inputs)
    {
        switch (construction)
        {
            case LayerConstruction layer:
                return new[] { LowerLayer(layer, key, module, inputs, null) };
            case CompressedConstruction compressed:
                return new[] { LowerLayer(compressed.Layer, key, module, inputs, null) };
            case BlockConstruction block:
                var model = _session.Compilation.Blocks.FirstOrDefault(b => b.Name == block.Block)
                    ?? throw new OnnxExportException($"{key}: no block class '{block.Block}'");
                var arguments = InstanceArguments.Bind(model, block.Args, _arguments);
                return Lower(_session, model, arguments, module ?? Missing(key), key, inputs);
            case RepeatConstruction repeat:
                var values = inputs;
                for (var i = 0; i < repeat.Copies.Count; i++)
                {
                    var name = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    values = Construct(repeat.Copies[i], key + "." + name, Child(module ?? Missing(key), name), values);
                }
                return values;
            case SequenceConstruction sequence:
                var flowing = inputs;
                foreach (var stage in sequence.Children)
                {
                    flowing = Construct(stage.Construction, key + "." + stage.Name, Child(module ?? Missing(key), stage.Name), flowing);
                }
                return flowing;
            default:
                throw new OnnxExportException($"{key}: cannot lower a {construction.GetType().Name}");
        }
    }

    private string LowerLayer(LayerConstruction layer, string key, nn.Module? module, IReadOnlyList<string> inputs, Parameter? parameter)
    {
        var lowering = OnnxLayers.Find(layer.Layer)
            ?? throw new OnnxExportException($"{key}: the ONNX back end cannot lower the layer '{layer.Layer}'");
        var args = layer.Args.ToDictionary(a => a.Name, a => _arguments.Value(a.Value), StringComparer.Ordinal);
        var context = new LayerContext(_graph, key, layer.Layer, args, module, inputs)
        {
            Parameter = parameter,
            InputShape = _session.ShapeOf(inputs[0]),
            Session = _session,
        };
        return _session.Record(lowering.Lower(context), _session.LayerOutput(key) ?? context.InputShape);
    }

    private string Key(string name) => _prefix.Length == 0 ? name : _prefix + "." + name;

    private static nn.Module? Child(nn.Module module, string name) => module.named_children().FirstOrDefault(c => c.name == name).module;

    private static nn.Module Missing(string key) => throw new OnnxExportException($"{key}: the trained model has no module here");
}
