using Dsl.Runtime.Data;

namespace Dsl.Runtime.Tests;

public class ProgramArgumentsTests
{
    [Fact]
    public void Options_lists_and_flags_are_read_and_absent_ones_fall_back()
    {
        var arguments = new ProgramArguments(new[] { "--epochs", "4", "--lr", "0.05", "--seeds", "0, 2", "--methods", "plain,rebnn", "--scratch" });
        Assert.Equal(4, arguments.Int("--epochs", 6));
        Assert.Equal(3, arguments.Int("--stage-epochs", 3));
        Assert.Equal(0.05, arguments.Double("--lr", 1));
        Assert.Equal(new[] { 0, 2 }, arguments.IntList("--seeds", new[] { 0, 1, 2 }));
        Assert.Equal(new[] { "plain", "rebnn" }, arguments.List("--methods", new[] { "x" }));
        Assert.Equal(new[] { "x" }, arguments.List("--rows", new[] { "x" }));
        Assert.True(arguments.Flag("--scratch"));
        Assert.False(arguments.Flag("--subset"));
    }

    [Theory]
    [InlineData("--epochs", "six", "--epochs: expected a whole number, not 'six'")]
    [InlineData("--seeds", "0,x", "--seeds: expected a whole number, not 'x'")]
    [InlineData("--lr", "fast", "--lr: expected a number such as 0.05, not 'fast'")]
    public void A_malformed_value_is_an_error_that_names_the_option(string name, string value, string message)
    {
        var arguments = new ProgramArguments(new[] { name, value });
        var error = Assert.Throws<ArgumentException>(() => name switch
        {
            "--seeds" => (object)arguments.IntList(name, new[] { 0 }),
            "--lr" => arguments.Double(name, 1),
            _ => arguments.Int(name, 1),
        });
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void An_option_without_its_value_is_an_error()
    {
        Assert.Equal("--epochs needs a value", Assert.Throws<ArgumentException>(() => new ProgramArguments(new[] { "--epochs" }).Int("--epochs", 1)).Message);
        Assert.Equal("--data needs a value", Assert.Throws<ArgumentException>(() => new ProgramArguments(new[] { "--data", "--subset" }).String("--data")).Message);
    }

    [Fact]
    public void The_subset_is_used_when_asked_for_and_a_data_folder_overrides_the_system_set()
    {
        Assert.True(new ProgramArguments(new[] { "--subset" }).Subset);
        Assert.False(new ProgramArguments(new[] { "--data", "/somewhere" }).Subset);
    }
}
