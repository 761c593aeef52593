using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Costs;
using Dsl.Parser.Layers;
using Dsl.Parser.Semantics;
using Dsl.Parser.Text;

namespace Dsl.Parser.Methods;

/// <summary>
/// The channels of every tensor of a @dynamic model's forward pass, as parts along dimension 1
/// that are slimmed (int(w·C) channels at width w) or full. A slimmable convolution reads a
/// slimmed input when it slims its input and a full one otherwise, and makes a slimmed output
/// when it slims its output; per-channel layers (activations, pooling, upsampling, padding) and
/// scaling pass parts through; a sum or product needs the same parts on both sides; a
/// concatenation joins them; any other layer, a block, and the model's output need full
/// tensors. Each disagreement is reported with the first width where the channels differ.
/// From the parts it counts each convolution's MACs at each width and tells a convolution that
/// reads a concatenation which of its input channels each part gives.
/// </summary>
internal sealed class WidthFlow
{
    private readonly ModelAssembly _model;
    private readonly DynamicSettings _settings;
    private readonly TextSpan _span;
    private readonly Dictionary<string, Part[]> _variables = new();
    private readonly Dictionary<string, LayerCost> _rows;
    /// <summary>Each slimmable convolution's input parts and its output, by field, as <see cref="Apply"/> found them.</summary>
    private readonly Dictionary<string, (Part[] Input, Part Output)> _convolutions = new();
    private bool _failed;

    private WidthFlow(ModelAssembly model, DynamicSettings settings, TextSpan span)
    {
        (_model, _settings, _span) = (model, settings, span);
        _rows = model.Costs.Where(c => c.Path.StartsWith(model.PathPrefix, System.StringComparison.Ordinal))
            .GroupBy(c => c.Path.Substring(model.PathPrefix.Length)).ToDictionary(g => g.Key, g => g.First());
    }

    /// <summary>One run of channels along dimension 1: <see cref="Channels"/> of them, slimmed or full.</summary>
    internal sealed record Part(long Channels, bool Slimmed)
    {
        public long At(double width) => Slimmed ? DynamicSettings.Active(Channels, width) : Channels;
    }

    /// <summary>Follows the model's forward pass; null after reporting where the widths disagree.</summary>
    public static WidthFlow? Follow(ModelAssembly model, DynamicSettings settings, TextSpan span, TensorValue output)
    {
        var flow = new WidthFlow(model, settings, span);
        if (model.Costs.FirstOrDefault(c => c.Annotations.Any(a => a.Kind == DynamicAnnotation.KindName) && c.Path.Substring(model.PathPrefix.Length).Contains('.')) is { } nested)
        {
            flow.Fail($"@dynamic reaches {nested.Layer} '{nested.Path}' inside a block; it follows the widths through the model's own layers: write the block's layers into the model, or exempt the block's call with @exempt(dynamic)",
                DynamicDiagnostics.UnsupportedLayer);
            return null;
        }
        foreach (var input in model.Inputs) flow._variables[input.Name] = new[] { new Part(input.Shape[1].Value, false) };
        foreach (var statement in model.Forward)
        {
            var parts = flow.Eval(statement.Value);
            if (parts == null) return null;
            flow._variables[statement.Variable] = parts;
        }
        var result = flow.Eval(output.Code);
        if (result == null) return null;
        if (result.Any(p => p.Slimmed))
        {
            flow.Fail($"the model's output is slimmed (at width {settings.Widths[0]} it has {Sum(result, settings.Widths[0])} channels); the convolution that makes it slims its input only: @dynamic(slim: inputs)");
            return null;
        }
        flow.CountMacs();
        flow.PassParts();
        return flow;
    }

    /// <summary>The model's MACs at <paramref name="width"/>.</summary>
    public long MacsAt(double width) =>
        (long)_model.Costs.Sum(c => c.Metric(MetricsPerSetting.Macs.At(DynamicSettings.Setting(width))));

    private static long Sum(IEnumerable<Part> parts, double width) => parts.Sum(p => p.At(width));

    private Part[]? Eval(TensorExpr expr)
    {
        if (_failed) return null;
        switch (expr)
        {
            case VariableRef v:
                return _variables.TryGetValue(v.Name, out var known) ? known : Fail($"@dynamic cannot follow '{v.Name}'");
            case TensorScale s:
                return Eval(s.Tensor);
            case TensorNegate n:
                return Eval(n.Operand);
            case TensorBinary b:
                var (left, right) = (Eval(b.Left), Eval(b.Right));
                if (left == null || right == null) return null;
                if (left.Any(p => p.Slimmed) || right.Any(p => p.Slimmed))
                {
                    foreach (var w in _settings.Widths)
                    {
                        if (Sum(left, w) != Sum(right, w) && !(IsBroadcast(left) || IsBroadcast(right)))
                            return Fail($"the two sides of '{b.Operator}' have {Sum(left, w)} and {Sum(right, w)} channels at width {w}; slim both or neither");
                    }
                }
                return left.Any(p => p.Slimmed) ? left : right;
            case TensorConcat c:
                var items = c.Items.Select(Eval).ToList();
                if (items.Any(i => i == null)) return null;
                if (c.Dim != 1 && !c.Stack)
                {
                    if (items.Any(i => i!.Any(p => p.Slimmed))) return Fail($"@dynamic slims channels; a concat along dimension {c.Dim} of slimmed tensors is not followed");
                    return items[0];
                }
                if (c.Stack) return items.Any(i => i!.Any(p => p.Slimmed)) ? Fail("@dynamic slims channels; a stack of slimmed tensors is not followed") : items[0];
                return items.SelectMany(i => i!).ToArray();
            case ApplyField f:
                return Apply(f);
            case MethodCall m:
                var operands = m.Operands.OfType<TensorOperand>().Select(o => Eval(o.Tensor)).ToList();
                if (operands.Any(o => o == null)) return null;
                if (operands.Any(o => o!.Any(p => p.Slimmed))) return Fail($"@dynamic cannot follow slimmed channels through {m.Function}");
                return operands.FirstOrDefault() ?? Fail($"@dynamic cannot follow {m.Function}");
            default:
                return Fail("@dynamic cannot follow this expression");
        }
    }

    /// <summary>A single full channel (a mask or a scale) broadcasts over any channels.</summary>
    private static bool IsBroadcast(Part[] parts) => parts.Length == 1 && !parts[0].Slimmed && parts[0].Channels == 1;

    private Part[]? Apply(ApplyField f)
    {
        var input = Eval(f.Input);
        if (input == null) return null;
        var extras = (f.ExtraInputs ?? new TensorExpr[0]).Select(Eval).ToList();
        if (extras.Any(e => e == null)) return null;
        var slimmedIn = input.Any(p => p.Slimmed) || extras.Any(e => e!.Any(p => p.Slimmed));
        if (!_rows.TryGetValue(f.Field, out var row))
            return slimmedIn ? Fail($"@dynamic cannot follow slimmed channels into the block '{f.Field}'; exempt the block's input side or write its layers into the model") : Full(input);
        var dynamic = row.Annotations.FirstOrDefault(a => a.Kind == DynamicAnnotation.KindName);
        if (dynamic == null)
        {
            if (!slimmedIn) return new[] { new Part(row.Output.Rank > 1 ? row.Output[1].Value : 1, false) };
            if (LayerCatalog.Has(row.Layer, LayerTraits.PerChannel)) return input;
            return Fail($"{row.Layer} '{row.Path}' reads slimmed channels but does not slim; only convolutions and batch_norm under @dynamic, and per-channel layers, run on a part of the channels");
        }
        if (row.Layer == "batch_norm") return input;
        var slim = ((WordValue)dynamic.Arguments.First(a => a.Key == "slim").Value).Word;
        var (slimsInput, slimsOutput) = (DynamicSettings.SlimsInputs(slim), DynamicSettings.SlimsOutputs(slim));
        if (slimsInput && !slimmedIn)
            return Fail($"conv2d '{row.Path}' slims its input, but its input is full at every width; slim its outputs only: @dynamic(slim: outputs)");
        if (!slimsInput && slimmedIn)
            return Fail($"conv2d '{row.Path}' reads slimmed channels (at width {_settings.Widths[0]}, {Sum(input, _settings.Widths[0])} of {Sum(input, 1)}) but does not slim its input; @dynamic(slim: both) or (slim: inputs)");
        var outputs = row.Output[1].Value;
        _convolutions[f.Field] = (slimsInput ? input : new[] { new Part(Sum(input, 1), false) }, new Part(outputs, slimsOutput));
        foreach (var w in _settings.Widths)
        {
            if (slimsOutput && DynamicSettings.Active(outputs, w) == 0)
                return Fail($"conv2d '{row.Path}' keeps no channel at width {w}: int({w}·{outputs}) = 0; widen it or drop the width", DynamicDiagnostics.NoChannels);
            if (slimsInput && Sum(input, w) == 0)
                return Fail($"conv2d '{row.Path}' reads no channel at width {w}; widen the layers before it or drop the width", DynamicDiagnostics.NoChannels);
        }
        return new[] { new Part(outputs, slimsOutput) };
    }

    private static Part[] Full(Part[] input) => new[] { new Part(input.Sum(p => p.Channels), false) };

    /// <summary>Each row's MACs at each width: a slimmable convolution's scale with the channels it reads and makes; a switchable BatchNorm's and a per-channel layer's are 0 here as in full.</summary>
    private void CountMacs()
    {
        for (var i = 0; i < _model.Costs.Count; i++)
        {
            var row = _model.Costs[i];
            var field = row.Path.Substring(_model.PathPrefix.Length);
            var updated = row;
            double routed = 0;
            foreach (var w in _settings.Widths)
            {
                var macs = row.Macs;
                if (_convolutions.TryGetValue(field, out var conv))
                {
                    // A convolution's MACs are positions × k² × C_in × C_out, so they scale with both counts exactly.
                    macs = row.Macs / (Sum(conv.Input, 1) * conv.Output.Channels) * Sum(conv.Input, w) * conv.Output.At(w);
                }
                updated = updated.With(MetricsPerSetting.Macs.At(DynamicSettings.Setting(w)), macs);
                routed += macs;
            }
            _model.Costs[i] = updated.With(DynamicMetrics.RoutedMacs, routed / _settings.Widths.Count);
        }
    }

    /// <summary>A convolution reading a concatenation is told its parts: which channels it reads at each width.</summary>
    private void PassParts()
    {
        for (var i = 0; i < _model.Fields.Count; i++)
        {
            var field = _model.Fields[i];
            if (!_convolutions.TryGetValue(field.Name, out var conv) || conv.Input.Length < 2 || field.Construction is not CompressedConstruction compressed) continue;
            var parts = conv.Input;
            var conversions = compressed.Conversions.Select(c => c.Call.Function != "Compression.Dynamic" ? c : c with
            {
                Call = new CallCode("Compression.DynamicParts", new[]
                {
                    new ConstructionArg("compressor", c.Call),
                    new ConstructionArg("parts", new ListCode(parts.Select(p => ScalarExpr.Int(p.Channels)).ToList())),
                    new ConstructionArg("slimmed", new ListCode(parts.Select(p => ScalarExpr.Int(p.Slimmed ? 1 : 0)).ToList())),
                }),
            }).ToList();
            _model.Fields[i] = field with { Construction = compressed with { Conversions = conversions } };
        }
    }

    private Part[]? Fail(string message, Diagnostics.DiagnosticDescriptor? descriptor = null)
    {
        if (!_failed) _model.Diagnostics.Report(descriptor ?? DynamicDiagnostics.InconsistentWidths, _span, message);
        _failed = true;
        return null;
    }
}
