using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Dsl.Parser.Text;
using Sprache;

namespace Dsl.Parser.Syntax;

/// <summary>
/// The Sprache grammar of .cmodel files. Every token parser consumes its trailing trivia
/// (whitespace, comments) and nothing before it, so a parser that fails on its first token
/// consumes nothing; sequences use XMany/XOr so that a failure inside a construct is reported
/// at the offending token rather than where the enclosing construct gave up.
/// </summary>
internal static class Grammar
{
    public static readonly string[] Keywords = { "model", "block", "input", "output", "repeat", "as", "true", "false" };

    private static readonly Parser<string> LineComment =
        from open in Parse.String("//")
        from body in Parse.CharExcept('\n').Many()
        select "";

    private static readonly Parser<string> BlockComment =
        from open in Parse.String("/*")
        from body in Parse.AnyChar.Except(Parse.String("*/")).Many()
        from close in Parse.String("*/").Named("'*/' closing the comment")
        select "";

    public static readonly Parser<string> Trivia =
        Parse.WhiteSpace.AtLeastOnce().Return("").Or(LineComment).Or(BlockComment).Many().Return("");

    private static Parser<T> Tok<T>(this Parser<T> parser) =>
        from value in parser
        from trivia in Trivia
        select value;

    /// <summary>On failure, consumes nothing: a token either matches whole or not at all.</summary>
    private static Parser<T> Atomic<T>(this Parser<T> parser) => input =>
    {
        var result = parser(input);
        return result.WasSuccessful ? result : Result.Failure<T>(input, result.Message, result.Expectations);
    };

    private static Parser<TextSpan> Sym(string symbol) =>
        (from s in Parse.String(symbol).Span() select ToSpan(s)).Atomic().Named($"'{symbol}'").Tok();

    private static Parser<TextSpan> Keyword(string word) =>
        (from k in Parse.String(word).Span()
         from end in Parse.LetterOrDigit.Or(Parse.Char('_')).Not()
         select ToSpan(k)).Atomic().Named($"'{word}'").Tok();

    private static TextSpan ToSpan<T>(ITextSpan<T> span) => new(span.Start.Pos, span.Length);

    public static readonly Parser<Identifier> Ident =
        (from span in Parse.Identifier(Parse.Letter.Or(Parse.Char('_')), Parse.LetterOrDigit.Or(Parse.Char('_'))).Span()
         where !Keywords.Contains(span.Value)
         select new Identifier(span.Value, ToSpan(span))).Named("a name").Tok();

    private static readonly Parser<ExpressionSyntax> Number =
        (from span in (
            from digits in Parse.Digit.AtLeastOnce().Text()
            from fraction in (from dot in Parse.Char('.') from f in Parse.Digit.AtLeastOnce().Text() select "." + f).Optional()
            from exponent in (
                from e in Parse.Chars('e', 'E')
                from sign in Parse.Chars('+', '-').Optional()
                from x in Parse.Digit.AtLeastOnce().Text()
                select "e" + (sign.IsDefined ? sign.Get().ToString() : "") + x).Optional()
            select (text: digits + fraction.GetOrElse("") + exponent.GetOrElse(""), isInteger: !fraction.IsDefined && !exponent.IsDefined)).Span()
         select (ExpressionSyntax)new NumberSyntax(
             double.Parse(span.Value.text, CultureInfo.InvariantCulture), span.Value.isInteger, span.Value.text, ToSpan(span)))
        .Named("a number").Tok();

    private static readonly Parser<ExpressionSyntax> Bool =
        Keyword("true").Select(s => (ExpressionSyntax)new BoolSyntax(true, s))
            .Or(Keyword("false").Select(s => (ExpressionSyntax)new BoolSyntax(false, s)));

    private static readonly Parser<ExpressionSyntax> ExpressionRef = Parse.Ref(() => Expression);

    public static readonly Parser<ArgumentSyntax> Argument =
        from name in (from n in Ident from colon in Sym(":") select n).Optional()
        from value in ExpressionRef
        select new ArgumentSyntax(name.GetOrDefault(), value,
            name.IsDefined ? name.Get().Span.Cover(value.Span) : value.Span);

    private static Parser<IReadOnlyList<T>> CommaList<T>(Parser<T> item, string close) =>
        (from first in item
         from rest in (from comma in Sym(",") from next in item select next).XMany()
         select (IReadOnlyList<T>)new[] { first }.Concat(rest).ToList())
        .XOr(Parse.Return<IReadOnlyList<T>>(new List<T>()))
        .Then(list => Sym(close).Named($"',' or '{close}'").Return(list));

    private static readonly Parser<(IReadOnlyList<ArgumentSyntax> Args, TextSpan Close)> ArgumentList =
        from open in Sym("(")
        from args in (from first in Argument
                      from rest in (from comma in Sym(",") from next in Argument select next).XMany()
                      select (IReadOnlyList<ArgumentSyntax>)new[] { first }.Concat(rest).ToList())
                     .XOr(Parse.Return<IReadOnlyList<ArgumentSyntax>>(new List<ArgumentSyntax>()))
        from close in Sym(")").Named("',' or ')'")
        select (args, close);

    public static readonly Parser<AnnotationSyntax> Annotation =
        from at in Sym("@")
        from name in Ident
        from args in ArgumentList.XOptional()
        select new AnnotationSyntax(name, args.IsDefined ? args.Get().Args : new List<ArgumentSyntax>(),
            at.Cover(args.IsDefined ? args.Get().Close : name.Span));

    private static readonly Parser<ExpressionSyntax> List =
        from open in Sym("[")
        from items in CommaList(ExpressionRef, "]")
        select (ExpressionSyntax)new ListSyntax(items, open.Cover(items.Count > 0 ? items[items.Count - 1].Span : open));

    private static readonly Parser<ExpressionSyntax> Parenthesized =
        from open in Sym("(")
        from inner in ExpressionRef
        from close in Sym(")").Named("')'")
        select inner;

    private static readonly Parser<ExpressionSyntax> NameOrCall =
        from name in Ident
        from args in ArgumentList.XOptional()
        select args.IsDefined
            ? new CallSyntax(name, args.Get().Args, name.Span.Cover(args.Get().Close))
            : (ExpressionSyntax)new NameSyntax(name);

    private static readonly Parser<ExpressionSyntax> Primary =
        Number.XOr(Bool).XOr(List).XOr(Parenthesized).XOr(NameOrCall).Named("an expression");

    private static readonly Parser<ExpressionSyntax> Unary =
        (from minus in Sym("-")
         from operand in Parse.Ref(() => Unary)
         select (ExpressionSyntax)new UnarySyntax('-', operand, minus.Cover(operand.Span)))
        .XOr(Primary);

    // '-' must not take the first character of '->'.
    private static readonly Parser<(char, TextSpan)> MinusOperator =
        from notArrow in Parse.String("->").Not()
        from span in Sym("-")
        select ('-', span);

    private static Parser<(char, TextSpan)> Operator(char op) => Sym(op.ToString()).Select(s => (op, s));

    private static Parser<ExpressionSyntax> Chain(Parser<(char Op, TextSpan Span)> op, Parser<ExpressionSyntax> operand) =>
        from first in operand
        from rest in (from o in op from right in operand select (o, right)).XMany()
        select rest.Aggregate(first, (left, r) =>
            (ExpressionSyntax)new BinarySyntax(r.o.Op, left, r.right, r.o.Span, left.Span.Cover(r.right.Span)));

    private static readonly Parser<ExpressionSyntax> Multiplicative = Chain(Operator('*').Or(Operator('/')), Unary);

    private static readonly Parser<ExpressionSyntax> Additive = Chain(Operator('+').Or(MinusOperator), Multiplicative);

    private static readonly Parser<Identifier?> Alias =
        (from a in Keyword("as") from name in Ident select name).XOptional().Select(o => o.GetOrDefault());

    private static readonly Parser<IReadOnlyList<AnnotationSyntax>> Annotations =
        Annotation.XMany().Select(a => (IReadOnlyList<AnnotationSyntax>)a.ToList());

    private static readonly Parser<StageSyntax> StageRef = Parse.Ref(() => Stage);

    private static readonly Parser<StageSyntax> RepeatStage =
        from keyword in Keyword("repeat")
        from args in ArgumentList.Named("'(' with the number of copies")
        from open in Sym("{")
        from first in StageRef
        from rest in (from arrow in Sym("->") from s in StageRef select s).XMany()
        from close in Sym("}").Named("'->' or '}'")
        from alias in Alias
        from annotations in Annotations
        select (StageSyntax)new RepeatStageSyntax(args.Args, new[] { first }.Concat(rest).ToList(), alias, annotations,
            keyword.Cover(annotations.Count > 0 ? annotations[annotations.Count - 1].Span : alias?.Span ?? close),
            keyword);

    private static readonly Parser<StageSyntax> LayerStage =
        from name in Ident.Named("a layer or block name")
        from args in ArgumentList.XOptional()
        from alias in Alias
        from annotations in Annotations
        select (StageSyntax)new LayerStageSyntax(name, args.IsDefined ? args.Get().Args : new List<ArgumentSyntax>(),
            args.IsDefined, alias, annotations,
            name.Span.Cover(annotations.Count > 0 ? annotations[annotations.Count - 1].Span
                : alias?.Span ?? (args.IsDefined ? args.Get().Close : name.Span)));

    public static readonly Parser<StageSyntax> Stage = RepeatStage.XOr(LayerStage);

    public static readonly Parser<ExpressionSyntax> Expression =
        from source in Additive
        from stages in (from arrow in Sym("->") from stage in Stage select stage).XMany()
        select stages.Count() == 0
            ? source
            : new PipelineSyntax(source, stages.ToList(), source.Span.Cover(stages.Last().Span));

    private static readonly Parser<StatementSyntax> Input =
        from keyword in Keyword("input")
        from name in Ident
        from colon in Sym(":")
        from open in Sym("[").Named("'[' starting the shape, as in [N, 3, 32, 32]")
        from dims in CommaList(Additive, "]")
        select (StatementSyntax)new InputSyntax(name, dims, keyword.Cover(dims.Count > 0 ? dims[dims.Count - 1].Span : open));

    private static readonly Parser<StatementSyntax> Output =
        from keyword in Keyword("output")
        from value in Expression
        select (StatementSyntax)new OutputSyntax(value, keyword.Cover(value.Span));

    private static readonly Parser<StatementSyntax> Assignment =
        from name in Ident.Named("a statement (input, output or name = ...)")
        from eq in Sym("=").Named("'='")
        from value in Expression
        select (StatementSyntax)new AssignmentSyntax(name, value, name.Span.Cover(value.Span));

    private static readonly Parser<StatementSyntax> Statement = Input.XOr(Output).XOr(Assignment);

    private static readonly Parser<ParameterSyntax> Parameter =
        from name in Ident.Named("a parameter name")
        from colon in Sym(":").Named("':' and a type (int, float or bool)")
        from type in Ident.Named("a type (int, float or bool)")
        from value in (from eq in Sym("=") from v in Expression select v).XOptional()
        select new ParameterSyntax(name, type, value.GetOrDefault(), name.Span.Cover(value.IsDefined ? value.Get().Span : type.Span));

    public static readonly Parser<DeclarationSyntax> Declaration =
        from kind in Keyword("model").Return(DeclarationKind.Model).XOr(Keyword("block").Return(DeclarationKind.Block))
            .Named("'model' or 'block'")
        from name in Ident
        from parameters in (from open in Sym("(") from ps in CommaList(Parameter, ")") select ps).XOptional()
        from annotations in Annotations
        from open in Sym("{").Named("'{' starting the body")
        from body in Statement.XMany()
        from close in Sym("}").Named("'}' or a statement")
        select new DeclarationSyntax(kind, name, parameters.GetOrElse(new List<ParameterSyntax>()), annotations,
            body.ToList(), name.Span.Cover(close));
}
