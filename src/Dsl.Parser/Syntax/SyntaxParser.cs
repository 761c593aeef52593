using System.Collections.Generic;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Text;

namespace Dsl.Parser.Syntax;

/// <summary>
/// A recursive-descent parser over the lexer's tokens, linear in the input. A syntax error is
/// reported once, in the user's terms, and the parser resumes at the next statement (or the
/// next declaration), so independent errors are all reported, as Roslyn does. Nesting deeper
/// than <see cref="MaxDepth"/> is an error rather than a stack overflow on the generator's thread.
/// </summary>
public sealed class SyntaxParser
{
    /// <summary>Brackets, repeats, unary minus and operator chains, counted together.</summary>
    public const int MaxDepth = 100;

    private static readonly HashSet<string> Keywords = new() { "model", "block", "input", "output", "repeat", "as", "true", "false", "namespace" };

    private readonly SourceText _source;
    private readonly DiagnosticBag _diagnostics;
    private readonly List<Token> _tokens;
    private int _position;
    private int _depth;
    private int _missingBraces;

    private SyntaxParser(SourceText source, DiagnosticBag diagnostics)
    {
        _source = source;
        _diagnostics = diagnostics;
        _tokens = Lexer.Tokenize(source.Text, diagnostics);
    }

    /// <summary>Thrown after a syntax error has been reported, to unwind to the nearest recovery point.</summary>
    private sealed class Recover : System.Exception
    {
    }

    public static FileSyntax Parse(SourceText source, DiagnosticBag diagnostics) => new SyntaxParser(source, diagnostics).ParseFile();

    private Token Current => _tokens[_position];

    private Token Previous => _tokens[System.Math.Max(0, _position - 1)];

    private Token Peek(int ahead = 1) => _tokens[System.Math.Min(_tokens.Count - 1, _position + ahead)];

    private Token Next()
    {
        var token = Current;
        if (token.Kind != TokenKind.EndOfFile) _position++;
        return token;
    }

    private bool AtDeclarationStart => Current.LineStart && (Current.IsWord("model") || Current.IsWord("block"));

    private FileSyntax ParseFile()
    {
        var declarations = new List<DeclarationSyntax>();
        NamespaceSyntax? ns = null;
        if (Current.IsWord("namespace"))
        {
            try
            {
                ns = ParseNamespace();
            }
            catch (Recover)
            {
                SkipTo(_position, () => AtDeclarationStart);
            }
        }
        while (Current.Kind != TokenKind.EndOfFile)
        {
            var start = _position;
            if (Current.IsWord("namespace"))
            {
                Report(Current.Span, "'namespace' comes first in a file, before every declaration");
                SkipTo(start, () => AtDeclarationStart);
                continue;
            }
            if (!Current.IsWord("model") && !Current.IsWord("block"))
            {
                Report(Current.Span, $"expected a declaration ('model' or 'block'), found {Current.Describe()}");
                SkipTo(start, () => AtDeclarationStart);
                continue;
            }
            try
            {
                declarations.Add(ParseDeclaration());
            }
            catch (Recover)
            {
                SkipTo(start, () => AtDeclarationStart);
            }
        }
        return new FileSyntax(declarations, ns);
    }

    private NamespaceSyntax ParseNamespace()
    {
        var keyword = Next();
        var parts = new List<Identifier> { ExpectName("a namespace, as in 'namespace MyApp.Models'") };
        while (Current.Is("."))
        {
            Next();
            parts.Add(ExpectName("a name after '.' in the namespace"));
        }
        return new NamespaceSyntax(parts, keyword.Span.Cover(parts[parts.Count - 1].Span));
    }

    private DeclarationSyntax ParseDeclaration()
    {
        var errorsBefore = _diagnostics.Items.Count;
        var kindToken = Next();
        var kind = kindToken.Text == "model" ? DeclarationKind.Model : DeclarationKind.Block;
        var name = ExpectName($"a name for the {kindToken.Text}, as in '{kindToken.Text} {(kind == DeclarationKind.Model ? "MyNet" : "MyBlock")} {{'");
        var parameters = new List<ParameterSyntax>();
        if (Current.Is("("))
        {
            var open = Next();
            if (!Current.Is(")"))
            {
                parameters.Add(ParseParameter());
                while (Current.Is(","))
                {
                    Next();
                    parameters.Add(ParseParameter());
                }
            }
            ExpectClose(")", open, $"'{name.Text}('", "after a parameter");
        }
        var annotations = ParseAnnotations();
        if (!Current.Is("{"))
        {
            Fail(Current.Span, $"expected '{{' starting the body of {kindToken.Text} '{name.Text}', found {Current.Describe()}");
        }
        var body = Next();
        var statements = new List<StatementSyntax>();
        while (true)
        {
            if (Current.Is("}"))
            {
                var close = Next();
                return new DeclarationSyntax(kind, name, parameters, annotations, statements, name.Span.Cover(close.Span), _diagnostics.Items.Count > errorsBefore);
            }
            if (Current.Kind == TokenKind.EndOfFile || AtDeclarationStart)
            {
                ReportMissingClose("}", body, $"the body of {kindToken.Text} '{name.Text}'");
                return new DeclarationSyntax(kind, name, parameters, annotations, statements, name.Span.Cover(Previous.Span), HasSyntaxErrors: true);
            }
            var start = _position;
            _missingBraces = 0;
            try
            {
                statements.AddRange(ParseStatement());
            }
            catch (Recover)
            {
                // Only braces decide whether a '}' closes this body; a stray '(' must not swallow it.
                var open = OpenBraces(start) - _missingBraces;
                SkipTo(start, () =>
                {
                    if (Current.Is("{")) open++;
                    if (Current.Is("}")) return open-- <= 0;
                    return AtDeclarationStart || (Current.LineStart && AtStatementStart());
                });
            }
        }
    }

    private ParameterSyntax ParseParameter()
    {
        var name = ExpectName("a parameter name, as in 'channels: int'");
        if (!Current.Is(":")) Fail(Current.Span, $"expected ':' and a type after parameter '{name.Text}', as in '{name.Text}: int', found {Current.Describe()}");
        Next();
        if (Current.Kind != TokenKind.Identifier) Fail(Current.Span, $"expected a type (int, float or bool) for parameter '{name.Text}', found {Current.Describe()}");
        var typeToken = Next();
        var type = new Identifier(typeToken.Text, typeToken.Span);
        ExpressionSyntax? value = null;
        if (Current.Is("="))
        {
            Next();
            value = ParseExpression();
        }
        return new ParameterSyntax(name, type, value, name.Span.Cover(value?.Span ?? type.Span));
    }

    private bool AtStatementStart() =>
        Current.IsWord("input") || Current.IsWord("output") || AtFeature || (Current.Kind == TokenKind.Identifier && !Keywords.Contains(Current.Text) && Peek().Is("="));

    /// <summary>'feature' is a word only where a feature statement starts (feature stem: ...), so a tensor may still be called feature.</summary>
    private bool AtFeature => Current.IsWord("feature") && Peek().Kind == TokenKind.Identifier && Peek(2).Is(":");

    private IEnumerable<StatementSyntax> ParseStatement()
    {
        if (Current.IsWord("input")) return new[] { ParseInput() };
        if (Current.IsWord("output")) return ParseOutput();
        if (AtFeature)
        {
            var keyword = Next();
            var (name, value) = ParseNamedValue();
            EndOfStatement(value);
            return new[] { new FeatureSyntax(name, value, keyword.Span.Cover(value.Span)) };
        }
        if (Current.Kind == TokenKind.Identifier && !Keywords.Contains(Current.Text) && Peek().Is("="))
        {
            var name = NameOf(Next());
            Next();
            var value = ParseExpression();
            EndOfStatement(value);
            return new[] { new AssignmentSyntax(name, value, name.Span.Cover(value.Span)) };
        }
        throw NotAStatement();
    }

    /// <summary><c>output expression</c>, or named outputs <c>output logits: a, boxes: b</c>, one statement each.</summary>
    private IEnumerable<StatementSyntax> ParseOutput()
    {
        var keyword = Next();
        if (!(Current.Kind == TokenKind.Identifier && !Keywords.Contains(Current.Text) && Peek().Is(":")))
        {
            var value = ParseExpression();
            EndOfStatement(value);
            return new[] { new OutputSyntax(value, keyword.Span.Cover(value.Span)) };
        }
        var outputs = new List<StatementSyntax>();
        while (true)
        {
            var (name, value) = ParseNamedValue();
            outputs.Add(new OutputSyntax(value, (outputs.Count == 0 ? keyword.Span : name.Span).Cover(value.Span), name));
            if (!Current.Is(",")) break;
            Next();
            if (!(Current.Kind == TokenKind.Identifier && !Keywords.Contains(Current.Text) && Peek().Is(":")))
                Fail(Current.Span, $"expected another named output after ',', as in 'output logits: h -> linear(10), boxes: h -> linear(4)', found {Current.Describe()}");
        }
        EndOfStatement(((OutputSyntax)outputs[^1]).Value);
        return outputs;
    }

    /// <summary><c>name: expression</c>, of a named output or a feature.</summary>
    private (Identifier Name, ExpressionSyntax Value) ParseNamedValue()
    {
        var name = NameOf(Next());
        Next();
        return (name, ParseExpression());
    }

    private Recover NotAStatement()
    {
        var token = Current;
        if (token.Kind == TokenKind.Identifier && !Keywords.Contains(token.Text) && Peek().Is("->"))
            return Fail(token.Span, $"'{token.Text} -> ...' is not a statement: bind it ('h = {token.Text} -> ...') or return it ('output {token.Text} -> ...')");
        if (token.Kind == TokenKind.Identifier && !Keywords.Contains(token.Text) && (Peek().Is("(") || Peek().LineStart || Peek().Is("}") || Peek().IsWord("as") || Peek().Is("@")))
            return Fail(token.Span, $"a statement cannot start with '{token.Text}'; to continue the pipeline above, put '->' before it");
        if (token.Kind == TokenKind.Identifier && !Keywords.Contains(token.Text))
            return Fail(Peek().Span, $"expected '=' after '{token.Text}' (as in '{token.Text} = x -> relu'), found {Peek().Describe()}");
        if (token.Is("->"))
            return Fail(token.Span, "a statement cannot start with '->'; a pipeline continues on the next line only inside its statement, so join this line to the one above or bind it ('h = h -> ...')");
        return Fail(token.Span, $"expected a statement (input, output, feature or name = ...), found {token.Describe()}");
    }

    /// <summary>An expression statement ends where the next statement or the body's '}' begins.</summary>
    private void EndOfStatement(ExpressionSyntax value)
    {
        if (Current.Is("}") || Current.Kind == TokenKind.EndOfFile || AtStatementStart() || AtDeclarationStart) return;
        var token = Current;
        if (token.Kind == TokenKind.Identifier && !Keywords.Contains(token.Text) || token.IsWord("repeat"))
            Fail(token.Span, $"missing '->' before '{token.Text}'");
        if (token.Is(")") || token.Is("]"))
            Fail(token.Span, $"'{token.Text}' closes nothing here");
        if (value is PipelineSyntax && (token.Is("+") || token.Is("-") || token.Is("*") || token.Is("/")))
            Fail(token.Span, $"'{token.Text}' cannot follow a pipeline, which takes everything after its '->'; put the pipeline in parentheses: (x -> ...) {token.Text} ...");
        Fail(token.Span, $"expected '->' or the next statement after '{_source.Text.Substring(value.Span.Start, System.Math.Min(value.Span.Length, 40))}', found {token.Describe()}");
    }

    private StatementSyntax ParseInput()
    {
        var keyword = Next();
        var name = ExpectName("a name for the input, as in 'input x: [N, 3, 32, 32]'");
        if (!Current.Is(":")) Fail(Current.Span, $"expected ':' and the shape after 'input {name.Text}', as in 'input {name.Text}: [N, 3, 32, 32]', found {Current.Describe()}");
        Next();
        if (!Current.Is("[")) Fail(Current.Span, $"expected '[' starting the shape, as in 'input {name.Text}: [N, 3, 32, 32]', found {Current.Describe()}");
        var open = Next();
        var dims = new List<ExpressionSyntax>();
        if (!Current.Is("]"))
        {
            dims.Add(ParseAdditive());
            while (Current.Is(","))
            {
                Next();
                dims.Add(ParseAdditive());
            }
        }
        ExpectClose("]", open, "the shape '['", "after a dimension");
        return new InputSyntax(name, dims, keyword.Span.Cover(dims.Count > 0 ? dims[dims.Count - 1].Span : open.Span));
    }

    private ExpressionSyntax ParseExpression()
    {
        Enter();
        var source = ParseAdditive();
        var stages = new List<StageSyntax>();
        while (Current.Is("->"))
        {
            Next();
            stages.Add(ParseStage());
        }
        Leave();
        return stages.Count == 0 ? source : new PipelineSyntax(source, stages, source.Span.Cover(stages[stages.Count - 1].Span));
    }

    private ExpressionSyntax ParseAdditive() => ParseChain(ParseMultiplicative, "+", "-");

    private ExpressionSyntax ParseMultiplicative() => ParseChain(ParseUnary, "*", "/");

    private ExpressionSyntax ParseChain(System.Func<ExpressionSyntax> operand, string op1, string op2)
    {
        var left = operand();
        var links = 0;
        while (Current.Is(op1) || Current.Is(op2))
        {
            var op = Next();
            // A chain nests to the left; the binder walks it recursively.
            links++;
            if (_depth + links > MaxDepth) Fail(op.Span, TooDeep);
            var right = operand();
            left = new BinarySyntax(op.Text[0], left, right, op.Span, left.Span.Cover(right.Span));
        }
        return left;
    }

    private ExpressionSyntax ParseUnary()
    {
        if (!Current.Is("-")) return ParsePrimary();
        var minus = Next();
        Enter();
        var operand = ParseUnary();
        Leave();
        return new UnarySyntax('-', operand, minus.Span.Cover(operand.Span));
    }

    private ExpressionSyntax ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                Next();
                var (value, isInteger) = Lexer.NumberValue(token.Text);
                return new NumberSyntax(value, isInteger, token.Text, token.Span);
            case TokenKind.String:
                Next();
                return new StringSyntax(token.Text.Substring(1, token.Text.Length - 2), token.Span);
            case TokenKind.Identifier when token.Text is "true" or "false":
                Next();
                return new BoolSyntax(token.Text == "true", token.Span);
            case TokenKind.Identifier when !Keywords.Contains(token.Text):
                var name = NameOf(Next());
                if (!Current.Is("(")) return new NameSyntax(name);
                var (args, close) = ParseArguments(name.Text);
                return new CallSyntax(name, args, name.Span.Cover(close));
        }
        if (token.Is("["))
        {
            var open = Next();
            var items = new List<ExpressionSyntax>();
            if (!Current.Is("]"))
            {
                items.Add(ParseExpression());
                while (Current.Is(","))
                {
                    Next();
                    items.Add(ParseExpression());
                }
            }
            ExpectClose("]", open, "the list '['", "after a list item");
            return new ListSyntax(items, open.Span.Cover(items.Count > 0 ? items[items.Count - 1].Span : open.Span));
        }
        if (token.Is("("))
        {
            var open = Next();
            var inner = ParseExpression();
            ExpectClose(")", open, "'('", "after the expression");
            return inner;
        }
        if (token.Kind == TokenKind.Identifier)
            throw Fail(token.Span, $"'{token.Text}' is a keyword and cannot be used as a value here");
        throw Fail(token.Span, $"expected a value (a number, a name, a list or a parenthesized expression), found {token.Describe()}");
    }

    private StageSyntax ParseStage()
    {
        if (Current.IsWord("repeat")) return ParseRepeat();
        if (Current.Kind != TokenKind.Identifier || Keywords.Contains(Current.Text))
            throw Fail(Current.Span, $"expected a layer, a block or 'repeat' after '->', found {Current.Describe()}");
        var name = NameOf(Next());
        var hasParentheses = Current.Is("(");
        var (args, close) = hasParentheses ? ParseArguments(name.Text) : (new List<ArgumentSyntax>(), name.Span);
        var alias = ParseAlias();
        var annotations = ParseAnnotations();
        var end = annotations.Count > 0 ? annotations[annotations.Count - 1].Span : alias?.Span ?? close;
        return new LayerStageSyntax(name, args, hasParentheses, alias, annotations, name.Span.Cover(end));
    }

    private StageSyntax ParseRepeat()
    {
        var keyword = Next();
        if (!Current.Is("(")) Fail(Current.Span, $"expected '(' with the number of copies after 'repeat', as in 'repeat(4) {{ ... }}', found {Current.Describe()}");
        var (args, _) = ParseArguments("repeat");
        if (!Current.Is("{")) Fail(Current.Span, $"expected '{{' with the stages to repeat, as in 'repeat(4) {{ linear(8) -> relu }}', found {Current.Describe()}");
        var open = Next();
        Enter();
        var body = new List<StageSyntax> { ParseStage() };
        while (Current.Is("->"))
        {
            Next();
            body.Add(ParseStage());
        }
        if (!Current.Is("}"))
        {
            if (Current.Kind == TokenKind.Identifier && !Current.LineStart) Fail(Current.Span, $"missing '->' before '{Current.Text}'");
            ReportMissingClose("}", open, "'repeat {'");
        }
        var close = Next();
        Leave();
        var alias = ParseAlias();
        var annotations = ParseAnnotations();
        var end = annotations.Count > 0 ? annotations[annotations.Count - 1].Span : alias?.Span ?? close.Span;
        return new RepeatStageSyntax(args, body, alias, annotations, keyword.Span.Cover(end), keyword.Span);
    }

    private Identifier? ParseAlias()
    {
        if (!Current.IsWord("as")) return null;
        Next();
        return ExpectName("a name after 'as', as in 'linear(10) as head'");
    }

    private List<AnnotationSyntax> ParseAnnotations()
    {
        var annotations = new List<AnnotationSyntax>();
        while (Current.Is("@"))
        {
            var at = Next();
            if (Current.Kind != TokenKind.Identifier) Fail(Current.Span, $"expected an annotation name after '@', as in '@quant(w: 4, a: 4)', found {Current.Describe()}");
            var name = NameOf(Next());
            var args = new List<ArgumentSyntax>();
            var end = name.Span;
            if (Current.Is("(") && !Current.LineStart)
            {
                TextSpan close;
                (args, close) = ParseArguments("@" + name.Text);
                end = close;
            }
            annotations.Add(new AnnotationSyntax(name, args, at.Span.Cover(end)));
        }
        return annotations;
    }

    private (List<ArgumentSyntax> Args, TextSpan Close) ParseArguments(string callee)
    {
        var open = Next();
        var args = new List<ArgumentSyntax>();
        if (!Current.Is(")"))
        {
            args.Add(ParseArgument());
            while (Current.Is(",") || IsMissingComma())
            {
                if (!Current.Is(",")) Fail(Current.Span, $"missing ',' before '{Current.Text}'");
                Next();
                args.Add(ParseArgument());
            }
        }
        var close = ExpectClose(")", open, $"'{callee}('", "after an argument");
        return (args, close);
    }

    // "linear(3 bias: false)": the next argument begins on the same line without a comma.
    private bool IsMissingComma() =>
        !Current.LineStart && (Current.Kind is TokenKind.Number or TokenKind.String || (Current.Kind == TokenKind.Identifier && Peek().Is(":")));

    private ArgumentSyntax ParseArgument()
    {
        Identifier? name = null;
        if (Current.Kind == TokenKind.Identifier && Peek().Is(":"))
        {
            name = NameOf(Next());
            Next();
        }
        if (Current.Is(")") || Current.Is(","))
            throw Fail(Current.Span, name == null ? $"expected an argument, found {Current.Describe()}" : $"expected a value for '{name.Text}:', found {Current.Describe()}");
        var value = ParseExpression();
        return new ArgumentSyntax(name, value, name != null ? name.Span.Cover(value.Span) : value.Span);
    }

    private Identifier ExpectName(string what)
    {
        var token = Current;
        if (token.Kind == TokenKind.Identifier && !Keywords.Contains(token.Text)) return NameOf(Next());
        if (token.Kind == TokenKind.Identifier) throw Fail(token.Span, $"'{token.Text}' is a keyword; expected {what}");
        throw Fail(token.Span, $"expected {what}, found {token.Describe()}");
    }

    private static Identifier NameOf(Token token) => new(token.Text, token.Span);

    /// <summary>
    /// The closing bracket. Where it is plainly missing (the line or the enclosing construct
    /// ends first), the error names the bracket it should close and sits where it belongs, and
    /// parsing goes on as if it were there.
    /// </summary>
    private TextSpan ExpectClose(string close, Token open, string opener, string after)
    {
        if (Current.Is(close)) return Next().Span;
        var token = Current;
        if (token.LineStart || token.Kind == TokenKind.EndOfFile || token.Is("}") || token.Is(")") || token.Is("]"))
        {
            ReportMissingClose(close, open, opener);
            return new TextSpan(Previous.Span.End, 0);
        }
        throw Fail(token.Span, $"expected ',' or '{close}' {after}, found {token.Describe()}");
    }

    private void ReportMissingClose(string close, Token open, string opener)
    {
        if (close == "}") _missingBraces++;
        var at = _source.PositionOf(open.Span.Start);
        Report(new TextSpan(Previous.Span.End, 0), $"missing '{close}' to close {opener} at ({at.Line + 1},{at.Character + 1})");
    }

    private const string TooDeep = "this expression nests more than 100 levels (brackets, repeats and operator chains); split it into named steps";

    private void Enter()
    {
        if (++_depth > MaxDepth) throw Fail(Current.Span, TooDeep);
    }

    private void Leave() => _depth--;

    private int OpenBraces(int from)
    {
        var open = 0;
        for (var i = from; i < _position; i++)
        {
            if (_tokens[i].Is("{")) open++;
            if (_tokens[i].Is("}")) open--;
        }
        return open;
    }

    /// <summary>Skips to where parsing can resume: past the start of the failed construct, up to the first token that stops.</summary>
    private void SkipTo(int failedAt, System.Func<bool> stop)
    {
        _depth = 0;
        if (_position == failedAt) Next();
        while (Current.Kind != TokenKind.EndOfFile && !stop()) Next();
    }

    private void Report(TextSpan span, string message) => _diagnostics.Report(DiagnosticDescriptors.Syntax, span, message);

    private Recover Fail(TextSpan span, string message)
    {
        Report(span, message);
        throw new Recover();
    }
}
