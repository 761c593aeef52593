using System.Collections.Generic;
using Dsl.Parser.Text;

namespace Dsl.Parser.Syntax;

/// <summary>The root of one parsed .cmodel file: an optional <c>namespace A.B</c> first, then declarations.</summary>
public sealed record FileSyntax(IReadOnlyList<DeclarationSyntax> Declarations, NamespaceSyntax? Namespace = null);

/// <summary><c>namespace MyApp.Models</c>: the C# namespace of the file's generated classes.</summary>
public sealed record NamespaceSyntax(IReadOnlyList<Identifier> Parts, TextSpan Span)
{
    public string Name => string.Join(".", System.Linq.Enumerable.Select(Parts, p => p.Text));
}

public sealed record Identifier(string Text, TextSpan Span)
{
    public override string ToString() => Text;
}

public enum DeclarationKind
{
    Model,
    Block,
}

/// <summary>
/// A <c>model</c> or <c>block</c>: a header with parameters and annotations, and a body.
/// <see cref="HasSyntaxErrors"/>: some statement could not be parsed (and was reported), so the
/// body is incomplete and is not checked further.
/// </summary>
public sealed record DeclarationSyntax(
    DeclarationKind Kind,
    Identifier Name,
    IReadOnlyList<ParameterSyntax> Parameters,
    IReadOnlyList<AnnotationSyntax> Annotations,
    IReadOnlyList<StatementSyntax> Body,
    TextSpan Span,
    bool HasSyntaxErrors = false);

public sealed record ParameterSyntax(Identifier Name, Identifier Type, ExpressionSyntax? Default, TextSpan Span);

public sealed record AnnotationSyntax(Identifier Name, IReadOnlyList<ArgumentSyntax> Arguments, TextSpan Span);

public sealed record ArgumentSyntax(Identifier? Name, ExpressionSyntax Value, TextSpan Span);

public abstract record StatementSyntax(TextSpan Span);

/// <summary><c>input x: [N, C, H, W]</c></summary>
public sealed record InputSyntax(Identifier Name, IReadOnlyList<ExpressionSyntax> Dimensions, TextSpan Span) : StatementSyntax(Span);

/// <summary><c>h = expression</c></summary>
public sealed record AssignmentSyntax(Identifier Name, ExpressionSyntax Value, TextSpan Span) : StatementSyntax(Span);

/// <summary><c>output expression</c>, or one of several named outputs, <c>output logits: expression, boxes: expression</c>.</summary>
public sealed record OutputSyntax(ExpressionSyntax Value, TextSpan Span, Identifier? Name = null) : StatementSyntax(Span);

/// <summary><c>feature stem: expression</c>: a named intermediate tensor the model exposes beside its output (for distillation).</summary>
public sealed record FeatureSyntax(Identifier Name, ExpressionSyntax Value, TextSpan Span) : StatementSyntax(Span);

public abstract record ExpressionSyntax(TextSpan Span);

public sealed record NumberSyntax(double Value, bool IsInteger, string Text, TextSpan Span) : ExpressionSyntax(Span);

/// <summary><c>"reflect"</c>: a word argument in quotes (the quotes are not part of Value).</summary>
public sealed record StringSyntax(string Value, TextSpan Span) : ExpressionSyntax(Span);

public sealed record BoolSyntax(bool Value, TextSpan Span) : ExpressionSyntax(Span);

public sealed record NameSyntax(Identifier Name) : ExpressionSyntax(Name.Span);

public sealed record ListSyntax(IReadOnlyList<ExpressionSyntax> Items, TextSpan Span) : ExpressionSyntax(Span);

public sealed record UnarySyntax(char Operator, ExpressionSyntax Operand, TextSpan Span) : ExpressionSyntax(Span);

public sealed record BinarySyntax(char Operator, ExpressionSyntax Left, ExpressionSyntax Right, TextSpan OperatorSpan, TextSpan Span) : ExpressionSyntax(Span);

/// <summary>A call in expression position, such as <c>concat(a, b, dim: 1)</c>.</summary>
public sealed record CallSyntax(Identifier Name, IReadOnlyList<ArgumentSyntax> Arguments, TextSpan Span) : ExpressionSyntax(Span);

/// <summary><c>source -> stage -> stage</c></summary>
public sealed record PipelineSyntax(ExpressionSyntax Source, IReadOnlyList<StageSyntax> Stages, TextSpan Span) : ExpressionSyntax(Span);

public abstract record StageSyntax(Identifier? Alias, IReadOnlyList<AnnotationSyntax> Annotations, TextSpan Span);

/// <summary>A layer or block applied to the flowing tensor: <c>conv2d(32, kernel: 3) as conv1 @quant(4)</c>.</summary>
public sealed record LayerStageSyntax(
    Identifier Name,
    IReadOnlyList<ArgumentSyntax> Arguments,
    bool HasParentheses,
    Identifier? Alias,
    IReadOnlyList<AnnotationSyntax> Annotations,
    TextSpan Span) : StageSyntax(Alias, Annotations, Span);

/// <summary><c>repeat(n) { stage -> stage }</c>: n copies, each with its own weights.</summary>
public sealed record RepeatStageSyntax(
    IReadOnlyList<ArgumentSyntax> Arguments,
    IReadOnlyList<StageSyntax> Body,
    Identifier? Alias,
    IReadOnlyList<AnnotationSyntax> Annotations,
    TextSpan Span,
    TextSpan KeywordSpan) : StageSyntax(Alias, Annotations, Span);
