using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Layers;
using Dsl.Parser.Methods;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Binding;

/// <summary>A model's @distill: its teacher, and for hard distillation the classifier's twin head.</summary>
internal sealed partial class DeclarationBinder
{
    private MethodMember? _distillation;

    /// <summary>
    /// Records the model's @distill. Hard distillation adds DeiT's distillation head: a copy of
    /// the classifier that produces the output, on the same features, named classifier_dist.
    /// </summary>
    private TensorValue? BindDistillation(TensorValue output)
    {
        if (_modelAnnotations.FirstOrDefault(a => a.Kind == DistillAnnotation.KindName) is not { } distill) return output;
        var args = distill.Args!;
        var hard = args.Scalar("hard")!.Concrete;
        string? head = null;
        if (hard > 0)
        {
            // The output is the variable the last statement assigned, or an expression.
            var last = output.Code is VariableRef v ? _forward.LastOrDefault(s => s.Variable == v.Name) : null;
            var producer = last?.Value ?? output.Code;
            var field = producer is ApplyField classifier && LayerCatalog.Has(classifier.Layer, LayerTraits.Dense) ? _fields.Fields.FirstOrDefault(f => f.Name == classifier.Field) : null;
            if (field == null)
            {
                _diagnostics.Report(DistillDiagnostics.NoClassifier, args.SpanOf("hard"),
                    "hard distillation trains a distillation head beside the classifier, so the model's output must come straight from a linear layer (its classifier)");
                return null;
            }
            var classifierCall = (ApplyField)producer;
            head = field.Name;
            var twin = head + "_dist";
            if (_names.Contains(twin) || _fields.Fields.Any(f => f.Name == twin))
            {
                _diagnostics.Report(DistillDiagnostics.HeadNameTaken, args.SpanOf("hard"), $"the distillation head would be named '{twin}', which this model already uses; rename the classifier with 'as'");
                return null;
            }
            _fields.Fields.Add(new FieldModel(twin, field.Construction, field.Annotations));
            var cost = _fields.Costs.Last(c => c.Path == _pathPrefix + head);
            _fields.Costs.Add(cost with { Path = _pathPrefix + twin, Notes = cost.Notes.Concat(new[] { "distillation head" }).ToList() });
            // In training the classifier's logits (the head's kept for the loss); in eval their mean.
            var heads = new MethodCall("distillation", "Heads",
                new CallOperand[] { new NameOperand(head), new NameOperand(twin), new TensorOperand(classifierCall.Input), new TrainingOperand() });
            if (last != null) _forward[_forward.IndexOf(last)] = last with { Value = heads };
            else output = output with { Code = heads };
        }
        ConstructionArg Real(string name) => new(name, new RealCode(args.Scalar(name)!.Concrete));
        _distillation = new MethodMember("distillation", "DistillationState",
            new[]
            {
                new ConstructionArg("teacher", new TypeCode(args.Word("teacher"))), Real("soft"), Real("temperature"), Real("hard"), Real("ranking"),
                new ConstructionArg("pairs", new ScalarCode(ScalarExpr.Int(args.Scalar("pairs")!.AsLong))),
            },
            "@distill: the teacher model, the weights of the distillation losses, the distillation head's logits.",
            "Distillation", "What Distiller reads: the teacher, the loss weights, the distillation head's latest logits.", Interface: "IDistilled");
        return output;
    }
}
