using System.Collections.Generic;
using Dsl.Parser.Costs;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Semantics;
using Dsl.Parser.Syntax;

namespace Dsl.Parser.Binding;

/// <summary>
/// The fields of one generated class (or of one repeat copy) and their costs. Names layers:
/// an explicit <c>as</c> name, else the layer's own name the first time and name_1, name_2
/// after, skipping names written explicitly anywhere in the same scope.
/// </summary>
internal sealed class FieldCollector
{
    private readonly Dictionary<string, int> _counters = new();
    private readonly Dictionary<string, Identifier> _explicit = new();
    private readonly HashSet<string> _used = new();
    private readonly DiagnosticBag _diagnostics;

    public FieldCollector(string pathPrefix, IEnumerable<StageSyntax> stages, DiagnosticBag diagnostics, ISet<string> forbidden, string className)
    {
        PathPrefix = pathPrefix;
        _diagnostics = diagnostics;
        foreach (var stage in stages)
        {
            if (stage.Alias == null) continue;
            var alias = stage.Alias;
            if (_explicit.TryGetValue(alias.Text, out var first))
            {
                if (first.Span != alias.Span)
                    diagnostics.Report(DiagnosticDescriptors.DuplicateLayerName, alias.Span, alias.Text, Line(first));
                continue;
            }
            if (forbidden.Contains(alias.Text))
            {
                diagnostics.Report(DiagnosticDescriptors.ReservedName, alias.Span, alias.Text, "it is a parameter or tensor of this declaration, or the state of a method it uses");
                continue;
            }
            if (ReservedNames.ModuleMembers.Contains(alias.Text))
            {
                diagnostics.Report(DiagnosticDescriptors.ReservedName, alias.Span, alias.Text, "TorchSharp's Module has a member of that name");
                continue;
            }
            if (ReservedNames.IsGeneratedMember(alias.Text) || alias.Text == className)
            {
                diagnostics.Report(DiagnosticDescriptors.ReservedName, alias.Span, alias.Text, alias.Text == className ? "it is the name of the class" : "the generated class has a member of that name");
                continue;
            }
            _explicit[alias.Text] = alias;
        }
    }

    public string PathPrefix { get; }

    public List<FieldModel> Fields { get; } = new();

    public List<LayerCost> Costs { get; } = new();

    public string Name(Identifier? alias, string baseName)
    {
        if (alias != null && _explicit.ContainsKey(alias.Text) && _used.Add(alias.Text)) return alias.Text;
        _counters.TryGetValue(baseName, out var n);
        while (true)
        {
            var candidate = n == 0 ? baseName : $"{baseName}_{n}";
            n++;
            if (ReservedNames.ModuleMembers.Contains(candidate) || _explicit.ContainsKey(candidate) || !_used.Add(candidate)) continue;
            _counters[baseName] = n;
            return candidate;
        }
    }

    private string Line(Identifier id) => (_diagnostics.LineOf(id.Span.Start) + 1).ToString();
}
