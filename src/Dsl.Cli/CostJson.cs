using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Dsl.Parser.Costs;
using Dsl.Parser.Semantics;

namespace Dsl.Cli;

/// <summary>
/// The machine-readable cost report, one shape whatever the file holds (docs/cli.md):
/// <c>{ "schema": 1, "file", "models": [ { "model", "input", "output", "macs", "params",
/// "bops", "ops", "layers": [ { "name", "layer", "output", "macs", "params", "bits"?, "bops",
/// "annotations": { kind: { argument: value } } } ] } ] }</c>. Shapes use -1 for the batch;
/// annotation values keep their types (numbers, booleans, strings for words, arrays).
/// </summary>
public static class CostJson
{
    public const int Schema = 1;

    public static void Write(IReadOnlyList<CostReport> reports, string file, TextWriter output)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("schema", Schema);
            json.WriteString("file", file);
            json.WriteStartArray("models");
            foreach (var report in reports) WriteReport(json, report);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>Named outputs or features by name, in order; an empty object when there are none.</summary>
    private static void WriteNamedShapes(Utf8JsonWriter json, string property, IReadOnlyList<NamedShape> shapes)
    {
        json.WriteStartObject(property);
        foreach (var s in shapes) WriteShape(json, s.Name, s.Shape);
        json.WriteEndObject();
    }

    private static void WriteReport(Utf8JsonWriter json, CostReport report)
    {
        json.WriteStartObject();
        json.WriteString("model", report.Model);
        WriteShape(json, "input", report.Input);
        WriteNamedShapes(json, "inputs", report.NamedInputs);
        WriteShape(json, "output", report.Output);
        WriteNamedShapes(json, "outputs", report.NamedOutputs);
        WriteNamedShapes(json, "features", report.Features);
        json.WriteNumber("macs", report.Macs);
        json.WriteNumber("params", report.Params);
        foreach (var metric in report.AllMetrics) WriteMetric(json, metric, report.Total(metric));
        // The same totals by setting, one object per setting: { "setting": "b4", "macs": ..., "bops": ... }.
        json.WriteStartArray("settings");
        foreach (var setting in report.Settings)
        {
            json.WriteStartObject();
            json.WriteString("setting", setting.Setting);
            foreach (var metric in setting.Metrics) WriteMetric(json, metric.Family!, report.Total(metric));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("layers");
        foreach (var layer in report.Layers)
        {
            json.WriteStartObject();
            json.WriteString("name", layer.Path);
            json.WriteString("layer", layer.Layer);
            WriteShape(json, "output", layer.Output);
            json.WriteNumber("macs", layer.Macs);
            json.WriteNumber("params", layer.Params);
            if (layer.Bits != null) json.WriteString("bits", layer.Bits);
            foreach (var metric in report.AllMetrics.Where(m => m.Column != null)) WriteMetric(json, metric, layer.Metric(metric));
            json.WriteStartObject("annotations");
            foreach (var a in layer.Annotations)
            {
                json.WriteStartObject(a.Kind);
                foreach (var arg in a.Arguments)
                {
                    json.WritePropertyName(arg.Key);
                    WriteValue(json, arg.Value);
                }
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteMetric(Utf8JsonWriter json, CostMetric metric, double value)
    {
        if (metric.Whole) json.WriteNumber(metric.Key, (long)System.Math.Round(value));
        else json.WriteNumber(metric.Key, value);
    }

    private static void WriteValue(Utf8JsonWriter json, Value value)
    {
        switch (value)
        {
            case ScalarValue { Type: ScalarType.Bool } b:
                json.WriteBooleanValue(b.AsBool);
                break;
            case ScalarValue { Type: ScalarType.Int } i:
                json.WriteNumberValue(i.AsLong);
                break;
            case ScalarValue f:
                json.WriteNumberValue(f.Concrete);
                break;
            case ListValue list:
                json.WriteStartArray();
                foreach (var item in list.Items) WriteValue(json, item);
                json.WriteEndArray();
                break;
            default:
                json.WriteStringValue(value.Describe());
                break;
        }
    }

    private static void WriteShape(Utf8JsonWriter json, string name, Shape shape)
    {
        json.WriteStartArray(name);
        foreach (var d in shape.Dims) json.WriteNumberValue(d.IsBatch ? -1 : d.Value);
        json.WriteEndArray();
    }
}
