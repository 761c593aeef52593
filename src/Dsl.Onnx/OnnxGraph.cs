using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace Dsl.Onnx;

/// <summary>
/// An ONNX graph being written: inputs, initializers (the trained tensors) and nodes, with unique
/// value names derived from state-dict keys so that a viewer (Netron) shows where each came from.
/// </summary>
internal sealed class OnnxGraph
{
    /// <summary>The operator set written: 17 has LayerNormalization and per-axis QDQ, and is the newest that Debian's onnx 1.12 checker knows.</summary>
    public const long Opset = 17;

    private readonly GraphProto _graph = new() { Name = "cmodel" };
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _constants = new(StringComparer.Ordinal);

    public OnnxGraph(string name) => _graph.Name = name;

    /// <summary>A float input with the batch as a symbolic dimension (-1 in <paramref name="shape"/>).</summary>
    public string Input(string name, IReadOnlyList<long> shape)
    {
        var unique = Unique(name);
        _graph.Input.Add(new ValueInfoProto { Name = unique, Type = FloatType(shape) });
        return unique;
    }

    /// <summary>Marks <paramref name="value"/> as an output named <paramref name="name"/>, through an Identity.</summary>
    public void Output(string name, string value, IReadOnlyList<long> shape)
    {
        var unique = Node("Identity", new[] { value }, name);
        _graph.Output.Add(new ValueInfoProto { Name = unique, Type = FloatType(shape) });
    }

    /// <summary>A trained tensor (float32, int8, uint8 or int64), stored in the file under a name derived from <paramref name="name"/>.</summary>
    public string Initializer(string name, Tensor tensor)
    {
        var unique = Unique(name);
        using var cpu = tensor.detach().cpu().contiguous();
        var proto = new TensorProto { Name = unique };
        proto.Dims.AddRange(cpu.shape);
        proto.DataType = (int)(cpu.dtype switch
        {
            ScalarType.Float32 => TensorProto.Types.DataType.Float,
            ScalarType.Int8 => TensorProto.Types.DataType.Int8,
            ScalarType.Byte => TensorProto.Types.DataType.Uint8,
            ScalarType.Int64 => TensorProto.Types.DataType.Int64,
            _ => throw new ArgumentException($"an initializer is float32, int8, uint8 or int64, not {cpu.dtype}", nameof(tensor)),
        });
        proto.RawData = ByteString.CopyFrom(cpu.bytes.ToArray());
        _graph.Initializer.Add(proto);
        return unique;
    }

    /// <summary>A constant int64 vector (a shape, axes), shared by every node that needs the same values.</summary>
    public string Longs(params long[] values)
    {
        var key = "i64:" + string.Join(",", values);
        if (_constants.TryGetValue(key, out var name)) return name;
        using var t = tensor(values, dtype: ScalarType.Int64);
        return _constants[key] = Initializer("const_" + string.Join("_", values.Select(v => v < 0 ? "m" + -v : v.ToString())), t);
    }

    /// <summary>A constant int64 scalar (Gather's index that drops the axis), shared like <see cref="Longs"/>.</summary>
    public string Index(long value)
    {
        var key = "i64 scalar:" + value;
        if (_constants.TryGetValue(key, out var name)) return name;
        using var t = tensor(value, dtype: ScalarType.Int64);
        return _constants[key] = Initializer("index_" + value, t);
    }

    /// <summary>A constant float scalar, shared like <see cref="Longs"/>.</summary>
    public string Float(double value)
    {
        var key = "f32:" + ((float)value).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        if (_constants.TryGetValue(key, out var name)) return name;
        using var t = tensor((float)value);
        return _constants[key] = Initializer("const_f", t);
    }

    /// <summary>A node with one output named after <paramref name="name"/>; returns that output.</summary>
    public string Node(string op, IReadOnlyList<string> inputs, string name, params OnnxAttribute[] attributes) =>
        Nodes(op, inputs, new[] { name }, attributes)[0];

    /// <summary>A node with several outputs (empty input names stand for left-out optional inputs).</summary>
    public IReadOnlyList<string> Nodes(string op, IReadOnlyList<string> inputs, IReadOnlyList<string> names, params OnnxAttribute[] attributes)
    {
        var outputs = names.Select(Unique).ToList();
        var node = new NodeProto { OpType = op, Name = outputs[0] + "/" + op };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes.Select(a => a.Proto));
        _graph.Node.Add(node);
        return outputs;
    }

    /// <summary>The model, with its opset and producer, ready to write.</summary>
    public ModelProto Model()
    {
        var model = new ModelProto
        {
            IrVersion = (long)global::Onnx.Version.IrVersion,
            ProducerName = "CModel",
            ProducerVersion = typeof(OnnxGraph).Assembly.GetName().Version?.ToString(3) ?? "0",
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model;
    }

    /// <summary>Writes the model to <paramref name="path"/> through a temporary file, so that a failed write leaves any earlier file whole.</summary>
    public void Save(string path)
    {
        var full = Path.GetFullPath(path);
        var temporary = full + ".tmp";
        using (var stream = File.Create(temporary)) Model().WriteTo(stream);
        File.Move(temporary, full, overwrite: true);
    }

    private string Unique(string name)
    {
        var candidate = name;
        for (var i = 1; !_names.Add(candidate); i++) candidate = $"{name}_{i}";
        return candidate;
    }

    private static TypeProto FloatType(IReadOnlyList<long> shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (var d in shape)
        {
            tensorShape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = d });
        }
        return new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = tensorShape } };
    }
}

/// <summary>A node attribute: an int, a float, ints, or a string.</summary>
internal sealed class OnnxAttribute
{
    private OnnxAttribute(AttributeProto proto) => Proto = proto;

    internal AttributeProto Proto { get; }

    public static OnnxAttribute Int(string name, long value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });

    public static OnnxAttribute Float(string name, double value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value });

    public static OnnxAttribute Ints(string name, IEnumerable<long> values)
    {
        var proto = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        proto.Ints.AddRange(values);
        return new OnnxAttribute(proto);
    }

    public static OnnxAttribute String(string name, string value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) });
}
