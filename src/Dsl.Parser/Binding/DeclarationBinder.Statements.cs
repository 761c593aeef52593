using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Layers;
using Dsl.Parser.Semantics;
using Dsl.Parser.Syntax;

namespace Dsl.Parser.Binding;

/// <summary>The body, statement by statement: assignments, the output, and what forward computes.</summary>
internal sealed partial class DeclarationBinder
{
    private TensorValue? BindBody(IReadOnlyList<InputSyntax> inputs, IReadOnlyList<Shape> shapes)
    {
        var topStages = _decl.Body.SelectMany(StagesOf);
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
        if (!CheckOutputsAndFeatures(outputs)) return null;
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
                case FeatureSyntax f:
                    var feature = EvaluateTensor(f.Value, VariableFor(f.Name.Text));
                    if (feature == null)
                    {
                        failed = true;
                        break;
                    }
                    // Computed where it is written, as a variable of forward, whatever comes after it.
                    if (feature.Code is not VariableRef)
                    {
                        var variable = Temporary();
                        Assign(variable, feature.Code);
                        feature = feature with { Code = new VariableRef(variable) };
                    }
                    _features.Add(new NamedValue(f.Name.Text, feature));
                    break;
                case OutputSyntax o:
                    var value = EvaluateTensor(o.Value, o.Name == null ? "output" : VariableFor(o.Name.Text));
                    if (value == null)
                    {
                        failed = true;
                        break;
                    }
                    if (o == outputs[0]) output = value;
                    if (o.Name != null) _namedOutputs.Add(new NamedValue(o.Name.Text, value));
                    break;
            }
        }
        if (failed) return null;
        foreach (var pair in _unread) _diagnostics.Report(DiagnosticDescriptors.UnusedBinding, pair.Value.Span, pair.Key);
        return output;
    }

    /// <summary>
    /// The outputs close the body: one unnamed, or several named (a model's); features are a
    /// model's; names are distinct and free for the generated records.
    /// </summary>
    private bool CheckOutputsAndFeatures(IReadOnlyList<OutputSyntax> outputs)
    {
        var body = _decl.Body.ToList();
        var first = body.IndexOf(outputs[0]);
        if (body.Skip(first).FirstOrDefault(s => s is not OutputSyntax) is { } after)
        {
            _diagnostics.Report(DiagnosticDescriptors.OutputCount, after.Span, "nothing can follow the output statement");
            return false;
        }
        if (outputs.Count > 1 && outputs.FirstOrDefault(o => o.Name == null) is { } unnamed)
        {
            var where = unnamed == outputs[0] ? outputs[1] : unnamed;
            _diagnostics.Report(DiagnosticDescriptors.OutputCount, where.Span, outputs.All(o => o.Name == null)
                ? $"{KindName} '{_decl.Name.Text}' has a second output; a model or block returns one tensor, or a model names each of its outputs (output logits: ..., boxes: ...)"
                : $"{KindName} '{_decl.Name.Text}' names some outputs but not this one; name each (output logits: ..., boxes: ...) or return one tensor");
            return false;
        }
        var named = outputs.Where(o => o.Name != null).Select(o => (o.Name!, "an output")).Concat(_decl.Body.OfType<FeatureSyntax>().Select(f => (f.Name, "a feature"))).ToList();
        if (_decl.Kind == DeclarationKind.Block && named.Count > 0)
        {
            var (name, what) = named[0];
            _diagnostics.Report(DiagnosticDescriptors.NamedOutputInBlock, name.Span, _decl.Name.Text, $"names {what}, '{name.Text}'");
            return false;
        }
        var seen = new Dictionary<string, (Identifier Name, string What)>();
        foreach (var (name, what) in named)
        {
            if (ReservedNames.RecordMembers.Contains(name.Text))
            {
                _diagnostics.Report(DiagnosticDescriptors.ReservedName, name.Span, name.Text, "the generated record of outputs or features has a member of that name");
                return false;
            }
            // An output and a feature may share a name (they are separate records); two of one kind may not.
            var key = what + ":" + name.Text;
            if (seen.TryGetValue(key, out var earlier))
            {
                _diagnostics.Report(DiagnosticDescriptors.DuplicateOutputName, name.Span, name.Text, earlier.What, _diagnostics.LineOf(earlier.Name.Span.Start) + 1);
                return false;
            }
            seen[key] = (name, what);
        }
        return true;
    }

    /// <summary>
    /// The variable of forward holding a named output or feature: its own name when no tensor,
    /// parameter or other output or feature takes it (the fields avoid it), a temporary otherwise.
    /// </summary>
    private string? VariableFor(string name)
    {
        var taken = _parameters.ContainsKey(name) || _decl.Body.Any(s => s is AssignmentSyntax a && a.Name.Text == name || s is InputSyntax i && i.Name.Text == name);
        return !taken && _namedVariables.Add(name) ? name : null;
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

    /// <summary>The pipeline stages a statement applies.</summary>
    private static IEnumerable<StageSyntax> StagesOf(StatementSyntax statement) => statement switch
    {
        AssignmentSyntax a => Stages(a.Value),
        OutputSyntax o => Stages(o.Value),
        FeatureSyntax f => Stages(f.Value),
        _ => Enumerable.Empty<StageSyntax>(),
    };

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
}
