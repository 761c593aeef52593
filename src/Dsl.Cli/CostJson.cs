using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Dsl.Parser.Costs;
using Dsl.Parser.Semantics;

namespace Dsl.Cli;

/// <summary>The machine-readable cost report: model, macs, params, layers, and shapes (-1 is the batch).</summary>
public static class CostJson
{
    public static void Write(IReadOnlyList<CostReport> reports, string file, TextWriter output, bool single)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            if (!single) json.WriteStartArray();
            foreach (var report in reports) WriteReport(json, report, file);
            if (!single) json.WriteEndArray();
        }
        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteReport(Utf8JsonWriter json, CostReport report, string file)
    {
        json.WriteStartObject();
        json.WriteString("model", report.Model);
        json.WriteString("file", file);
        WriteShape(json, "input", report.Input);
        WriteShape(json, "output", report.Output);
        json.WriteNumber("macs", report.Macs);
        json.WriteNumber("params", report.Params);
        json.WriteNumber("bops", report.Bops);
        json.WriteNumber("ops", report.Ops);
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
            json.WriteNumber("bops", layer.Bops);
            json.WriteStartObject("annotations");
            foreach (var a in layer.Annotations)
            {
                json.WriteStartObject(a.Kind);
                foreach (var arg in a.Arguments) json.WriteString(arg.Key, arg.Value);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteShape(Utf8JsonWriter json, string name, Shape shape)
    {
        json.WriteStartArray(name);
        foreach (var d in shape.Dims) json.WriteNumberValue(d.IsBatch ? -1 : d.Value);
        json.WriteEndArray();
    }
}
