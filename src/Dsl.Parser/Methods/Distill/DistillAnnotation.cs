using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Annotations;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Layers;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Methods;

/// <summary>
/// Knowledge distillation (@distill), written on a model: <c>teacher</c> names another model
/// of the file, run in eval mode without gradients in every training step. The losses and
/// their weights: <c>soft</c>, cross-entropy to the teacher's softmax at <c>temperature</c>;
/// <c>hard</c>, DeiT's hard distillation: a distillation head (a copy of the classifier) learns
/// the teacher's argmax, the task loss weighted 1 − hard and the head's loss hard, the two
/// heads averaged at inference; <c>ranking</c>, the attention-ranking loss between student
/// and teacher attention, on <c>pairs</c> sampled key pairs per query (0: all pairs).
/// </summary>
public sealed class DistillAnnotation : AnnotationSchema<DistillSettings>
{
    public const string KindName = "distill";

    public override string Name => KindName;

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        new ParamSpec("teacher", ArgKind.Word, Required: true),
        ParamSpec.Float("soft", 0, min: 0),
        ParamSpec.Float("temperature", 1, min: 1e-3),
        ParamSpec.Float("hard", 0, min: 0, max: 1),
        ParamSpec.Float("ranking", 0, min: 0),
        ParamSpec.Int("pairs", 64, min: 0),
    };

    public override IReadOnlyCollection<string> Families { get; } = new string[0];

    public override bool OnModel => true;

    /// <summary>The model's distillation state.</summary>
    public override IReadOnlyCollection<string> ClassMembers { get; } = new[] { "distillation" };

    public override IReadOnlyCollection<string> RuntimeTypes { get; } = new[] { "DistillationState", "IDistilled" };

    protected override DistillSettings Bind(BoundArguments args) =>
        new(args.Word("teacher"), args.Scalar("soft")!.Concrete, args.Scalar("temperature")!.Concrete, args.Scalar("hard")!.Concrete,
            args.Scalar("ranking")!.Concrete, args.Scalar("pairs")!.AsLong);

    /// <summary>The teacher must be another model of this file.</summary>
    protected override AnnotationProblem? CheckOnModel(DistillSettings s, ModelScope model)
    {
        var teacher = s.Teacher;
        if (teacher == model.Name)
            return new($"model '{teacher}' cannot be its own teacher; name another model of this file", "teacher", DistillDiagnostics.OwnTeacher);
        if (model.ModelNames.Contains(teacher)) return null;
        var kind = model.BlockNames.Contains(teacher) ? $"'{teacher}' is a block" : $"'{teacher}' names no model";
        return new($"the teacher must be a model of this file, but {kind}{Suggestions.DidYouMean(teacher, model.ModelNames.Where(m => m != model.Name))}",
            "teacher", DistillDiagnostics.TeacherNotModel);
    }

    public override AnnotationProblem? Validate(BoundArguments args) =>
        args.Scalar("soft")!.Concrete == 0 && args.Scalar("hard")!.Concrete == 0 && args.Scalar("ranking")!.Concrete == 0
            ? new("@distill needs at least one loss weight: soft:, hard: or ranking:, such as @distill(teacher: Teacher, soft: 1)", Descriptor: DistillDiagnostics.NoLoss)
            : null;

    public override IReadOnlyList<DiagnosticDescriptor> Diagnostics => DistillDiagnostics.All;

    /// <summary>
    /// Adds the model's distillation state and, for hard distillation, DeiT's distillation head:
    /// a copy of the classifier that produces the output, on the same features, named
    /// {classifier}_dist; forward returns the classifier's logits in training (the head's kept
    /// for the loss) and their mean in eval.
    /// </summary>
    protected override TensorValue? AssembleModel(ModelAssembly model, DistillSettings s, BoundArguments args, TensorValue output)
    {
        if (s.Hard > 0)
        {
            // The output is the variable the last statement assigned, or an expression.
            var last = output.Code is VariableRef v ? model.Forward.LastOrDefault(s => s.Variable == v.Name) : null;
            var producer = last?.Value ?? output.Code;
            if (producer is not ApplyField classifier || !LayerCatalog.Has(classifier.Layer, LayerTraits.Dense) ||
                model.Fields.FirstOrDefault(f => f.Name == classifier.Field) is not { } field)
            {
                model.Diagnostics.Report(DistillDiagnostics.NoClassifier, args.SpanOf("hard"),
                    "hard distillation trains a distillation head beside the classifier, so the model's output must come straight from a linear layer (its classifier)");
                return null;
            }
            var twin = field.Name + "_dist";
            if (model.IsTaken(twin))
            {
                model.Diagnostics.Report(DistillDiagnostics.HeadNameTaken, args.SpanOf("hard"), $"the distillation head would be named '{twin}', which this model already uses; rename the classifier with 'as'");
                return null;
            }
            model.Fields.Add(new FieldModel(twin, field.Construction, field.Annotations));
            var cost = model.Costs.Last(c => c.Path == model.PathPrefix + field.Name);
            model.Costs.Add(cost with { Path = model.PathPrefix + twin, Notes = cost.Notes.Concat(new[] { "distillation head" }).ToList() });
            var heads = new MethodCall("distillation", "Heads",
                new CallOperand[] { new NameOperand(field.Name), new NameOperand(twin), new TensorOperand(classifier.Input), new TrainingOperand() });
            if (last != null) model.Forward[model.Forward.IndexOf(last)] = last with { Value = heads };
            else output = output with { Code = heads };
        }
        model.Members.Add(new MethodMember("distillation", "DistillationState",
            new[]
            {
                new ConstructionArg("teacher", new TypeCode(s.Teacher)), new ConstructionArg("soft", new RealCode(s.Soft)),
                new ConstructionArg("temperature", new RealCode(s.Temperature)), new ConstructionArg("hard", new RealCode(s.Hard)),
                new ConstructionArg("ranking", new RealCode(s.Ranking)), new ConstructionArg("pairs", new ScalarCode(ScalarExpr.Int(s.Pairs))),
            },
            "@distill: the teacher model, the weights of the distillation losses, the distillation head's logits.",
            "Distillation", "What Distiller reads: the teacher, the loss weights, the distillation head's latest logits.", Interface: "IDistilled"));
        return output;
    }
}
