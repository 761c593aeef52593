using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Parser;
using Dsl.Parser.Costs;
using Dsl.Parser.Semantics;

namespace Dsl.Onnx.Lowering;

/// <summary>
/// What every class lowering of one export shares: the graph, the compilation (for block classes),
/// and the shape of every value written so far (a layer's from the cost report, keyed as the state
/// dict is), which lowerings read for ranks (a per-channel bias on [N, C, H, W]).
/// </summary>
internal sealed class ExportSession
{
    private readonly Dictionary<string, Shape> _layerOutputs;
    private readonly Dictionary<string, Shape> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, object> _states = new();

    public ExportSession(OnnxGraph graph, CompilationResult compilation, CostReport cost)
    {
        Graph = graph;
        Compilation = compilation;
        _layerOutputs = cost.Layers.GroupBy(l => l.Path).ToDictionary(g => g.Key, g => g.First().Output, StringComparer.Ordinal);
    }

    public OnnxGraph Graph { get; }

    public CompilationResult Compilation { get; }

    public Shape? LayerOutput(string key) => _layerOutputs.TryGetValue(key, out var s) ? s : null;

    public Shape? ShapeOf(string value) => _values.TryGetValue(value, out var s) ? s : null;

    /// <summary>A method's state that flows through the forward pass (the token stack's sizes), one per export.</summary>
    public T State<T>() where T : class, new()
    {
        if (!_states.TryGetValue(typeof(T), out var state)) _states[typeof(T)] = state = new T();
        return (T)state;
    }

    public string Record(string value, Shape? shape)
    {
        if (shape != null) _values[value] = shape;
        return value;
    }
}
