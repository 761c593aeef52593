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
}
