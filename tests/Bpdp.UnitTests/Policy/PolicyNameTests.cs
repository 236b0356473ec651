using Bpdp.Policy;

namespace Bpdp.UnitTests.Policy;

/// <summary>
/// A policy's name becomes Kubernetes object names (<c>P</c>, <c>P-preview</c>, <c>P-blue</c>, <c>P-green</c>):
/// names that would make invalid or colliding objects are refused, and no pattern accepts a trailing newline.
/// </summary>
public sealed class PolicyNameTests
{
    private static string WithName(string name) => HostilePolicies.Module("input.s == 'a'", "x", name: name);

    private static string Replace(string yaml, string from, string to) => yaml.Replace(from, to, StringComparison.Ordinal);

    [Theory]
    [InlineData("name: hostile", "name: \"hostile\\n\"", "metadata.name")]
    [InlineData("agency: osha", "agency: \"osha\\n\"", "metadata.agency")]
    [InlineData("version: 1.0.0", "version: \"1.0.0\\n\"", "metadata.version")]
    [InlineData("- id: r", "- id: \"r\\n\"", "spec.rules[0].id")]
    [InlineData("- name: s", "- name: \"s\\n\"", "spec.inputs[0].name")]
    public void A_trailing_newline_is_not_part_of_a_valid_name(string from, string to, string path)
    {
        var result = PolicyValidator.Validate(Replace(WithName("hostile"), from, to));

        Assert.Contains(result.Errors, e => e.Path == path);
    }

    [Fact]
    public void A_trailing_newline_is_not_part_of_a_valid_duration()
    {
        var result = PolicyValidator.Validate(WithName("hostile") + "deploy:\n  soak: \"30s\\n\"\n");

        Assert.Contains(result.Errors, e => e.Path == "deploy.soak");
    }

    [Fact]
    public void A_name_of_55_characters_is_valid_and_one_of_56_is_refused_naming_the_limit()
    {
        Assert.Empty(PolicyValidator.Validate(WithName(new string('a', 55))).Errors);

        var error = Assert.Single(PolicyValidator.Validate(WithName(new string('a', 56))).Errors);

        Assert.Equal(("metadata.name", 4, 9), (error.Path, error.Line, error.Column));
        Assert.Contains("the limit is 55", error.Message, StringComparison.Ordinal);
        Assert.Contains("-preview", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_of_63_characters_is_refused()
    {
        Assert.Contains(PolicyValidator.Validate(WithName(new string('a', 63))).Errors, e => e.Path == "metadata.name");
    }

    [Fact]
    public void A_name_starting_with_a_digit_is_refused_as_not_a_DNS_1035_label()
    {
        var error = Assert.Single(PolicyValidator.Validate(WithName("1haz")).Errors);

        Assert.Equal("metadata.name", error.Path);
        Assert.Contains("start with a letter", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x-preview", "-preview")]
    [InlineData("x-blue", "-blue")]
    [InlineData("x-green", "-green")]
    public void A_name_ending_in_a_reserved_suffix_is_refused_naming_the_collision(string name, string suffix)
    {
        var error = Assert.Single(PolicyValidator.Validate(WithName(name)).Errors);

        Assert.Equal("metadata.name", error.Path);
        Assert.Contains($"ends in '{suffix}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"policy 'x'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("haz-fast")]
    [InlineData("x")]
    [InlineData("a1-b2")]
    [InlineData("previewer")]
    public void Ordinary_names_stay_valid(string name)
    {
        Assert.Empty(PolicyValidator.Validate(WithName(name)).Errors);
    }
}
