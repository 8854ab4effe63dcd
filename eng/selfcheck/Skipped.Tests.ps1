# One passing and one skipped Pester test: test.sh must count the skipped one apart.
Describe 'a suite with a skipped test' {
    It 'passes' { $true | Should -BeTrue }
    It 'is skipped' -Skip { $false | Should -BeTrue }
}
